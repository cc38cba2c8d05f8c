#!/usr/bin/zsh -f
# zsh_complete.zsh FPATH_DIR LINE
# Prints, one per line, the candidates zsh's own completion system (compinit, the _awsprof function
# found on FPATH_DIR) offers when Tab is pressed after LINE. It runs an interactive zsh in a
# pseudo-terminal (zsh/zpty), waits for its prompt, types LINE and Tab, and records what each
# compadd call adds (after zsh's own matching against the word being completed) until the
# completion widget returns. Exit 3 when zsh/zpty is missing, 4 when the shell did not get there
# within 20 seconds.
emulate -L zsh
zmodload zsh/zpty 2>/dev/null || { print -u2 "zsh_complete: zsh/zpty is missing"; exit 3 }
local dir=$1 line=$2
local out
out=$(mktemp -d) || exit 2
trap 'zpty -d z 2>/dev/null; rm -rf $out' EXIT

# Reads the pty until its output contains $1, for up to 20 seconds.
wait_for_output() {
  local seen chunk i
  for (( i = 0; i < 400; i++ )); do
    while zpty -r -t z chunk; do seen+=$chunk; done
    [[ $seen == *$1* ]] && return 0
    sleep 0.05
  done
  return 1
}

zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT=; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' insert-tab false; zstyle ':completion:*' list-grouped false"
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' select-prompt ''; LISTMAX=100000"
zpty -w z "compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi
  local -a __hits
  builtin compadd -A __hits \"\$@\"
  (( \$#__hits )) && print -rl -- \$__hits >> ${(q)out}/hits
  builtin compadd \"\$@\"
}"
zpty -w z "_zsh_complete_main() { _main_complete; : > ${(q)out}/done }"
zpty -w z "zle -C _zsh_complete_word complete-word _zsh_complete_main; bindkey '^I' _zsh_complete_word"
# The prompt changes last: once it shows, every line above has run and ZLE waits for input.
zpty -w z "PS1='<zsh''-complete-ready>'"
wait_for_output '<zsh-complete-ready>' || { print -u2 "zsh_complete: the shell did not start"; exit 4 }
zpty -w -n z "$line"$'\t'
local i
for (( i = 0; i < 400; i++ )); do
  [[ -e $out/done ]] && break
  while zpty -r -t z chunk; do :; done  # keep the pty drained so zsh never blocks writing
  sleep 0.05
done
[[ -e $out/done ]] || { print -u2 "zsh_complete: no completion for '$line' within 20 seconds"; exit 4 }
[[ -e $out/hits ]] && sort -u $out/hits
exit 0
