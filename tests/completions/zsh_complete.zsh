#!/usr/bin/zsh -f
# zsh_complete.zsh FPATH_DIR LINE
# Prints, one per line, the candidates zsh's own completion system (compinit, the _awsprof function
# found on FPATH_DIR) offers when Tab is pressed after LINE. It runs an interactive zsh in a
# pseudo-terminal (zsh/zpty), wraps compadd to record what each call adds (after zsh's own
# matching against the word being completed) and waits for comppostfuncs to say completion ended.
# Exit 3 when zsh/zpty is missing, 4 when completion did not finish within 20 seconds.
emulate -L zsh
zmodload zsh/zpty 2>/dev/null || { print -u2 "zsh_complete: zsh/zpty is missing"; exit 3 }
local dir=$1 line=$2
local out
out=$(mktemp -d) || exit 2
trap 'rm -rf $out' EXIT

zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT=; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' insert-tab false; zstyle ':completion:*' list-grouped false"
zpty -w z "compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi
  local -a __hits
  builtin compadd -A __hits \"\$@\"
  (( \$#__hits )) && print -rl -- \$__hits >> ${(q)out}/hits
  builtin compadd \"\$@\"
}"
zpty -w z "_zsh_complete_done() { : > ${(q)out}/done }"
zpty -w z "bindkey '^I' _zsh_complete_word; zle -C _zsh_complete_word complete-word _zsh_complete_main"
zpty -w z "_zsh_complete_main() { comppostfuncs=(_zsh_complete_done); _main_complete }"
zpty -w z ": > ${(q)out}/ready"
local i
for (( i = 0; i < 200; i++ )); do [[ -e $out/ready ]] && break; sleep 0.1; done
zpty -w -n z "$line"$'\t'
for (( i = 0; i < 200; i++ )); do [[ -e $out/done ]] && break; sleep 0.1; done
zpty -d z
[[ -e $out/done ]] || { print -u2 "zsh_complete: no completion for '$line' within 20 seconds"; exit 4 }
[[ -e $out/hits ]] && sort -u $out/hits
exit 0
