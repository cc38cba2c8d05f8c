#!/bin/sh
# One step of the install tests (tests/install/CMakeLists.txt runs each as its own CTest test):
#   install_test.sh STEP BUILD_DIR SOURCE_DIR WORK_DIR VERSION SANITIZE CXX
# setup       cmake --install BUILD_DIR --prefix WORK_DIR/prefix (a fresh temporary prefix)
# version     the installed awsprof: --version, `list --help`, and a listing of the examples, with
#             PATH holding no awsprof, so the dispatcher must find awsprof-list beside itself
# man         mandoc -T lint -W warning and man -l on every installed page
# headers     exactly libconfig/include/awsprof/*/*.hpp and the old names' forwarding headers
#             (libconfig/compat/awsprof/*.hpp) are installed, each header compiles on its own, and
#             each forwarding header's includes resolve
# example     examples/cpp built with find_package(awsprof) against the prefix, and run; the example
#             sets no C++ standard, so awsprof::config must carry C++20 to its consumers
# pkg-config  examples/cpp/list_profiles.cpp built with `pkg-config --cflags --libs awsprof` and no -std
#             of its own (awsprof.pc's Cflags bring C++20), and run
# deb         cpack -G DEB: dpkg-deb --info (Depends, Description) and --contents, then the tools run
#             from a dpkg -x unpack (never installed into the system)
set -eu
step=$1 build=$2 source=$3 work=$4 version=$5 sanitize=$6 cxx=$7
prefix=$work/prefix
examples=$source/examples
# lib, or lib/<multiarch> when configured with the prefix /usr.
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $*" >&2
  exit 77
}
need() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (Debian: $2)"
}
# expect_equal WHAT EXPECTED ACTUAL
expect_equal() {
  [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
  echo "ok: $1"
}
# The flags a program linking this build's library needs: the sanitizers when it was built with them.
sanitizer_flags() {
  case "$sanitize" in 1 | ON | on | TRUE | true) echo "-fsanitize=address,undefined" ;; *) echo "" ;; esac
}
# Checks that the tools under BIN_DIR run from there alone: version, help, and a listing. SCRATCH is
# a directory the check may write to.
check_tools() {
  bin_dir=$1 scratch=$2
  [ -x "$bin_dir/awsprof" ] || fail "no $bin_dir/awsprof"
  [ -x "$bin_dir/awsprof-list" ] || fail "no $bin_dir/awsprof-list"
  # A PATH with no awsprof on it: awsprof must find awsprof-list next to itself (/proc/self/exe).
  for dir in /usr/bin /bin; do [ ! -e "$dir/awsprof-list" ] || fail "$dir/awsprof-list exists: the test needs a PATH without awsprof"; done
  expect_equal "$bin_dir/awsprof --version" "awsprof $version" "$(PATH=/usr/bin:/bin "$bin_dir/awsprof" --version)"
  help=$(cd / && PATH=/usr/bin:/bin "$bin_dir/awsprof" list --help) || fail "awsprof list --help failed"
  case "$help" in
    *"awsprof list"*--names*) echo "ok: $bin_dir/awsprof list --help" ;;
    *) fail "awsprof list --help printed: $help" ;;
  esac
  names=$(cd / && PATH=/usr/bin:/bin "$bin_dir/awsprof" list --names \
    --config-file "$examples/config" --credentials-file "$examples/credentials")
  expect_equal "awsprof list --names on examples/" "default dev prod-admin ci eks tools legacy" "$(echo $names)"
  # Through a symlink elsewhere, as /usr/local/bin/awsprof -> /opt/awsprof/bin/awsprof would be.
  mkdir -p "$scratch/elsewhere"
  ln -sf "$bin_dir/awsprof" "$scratch/elsewhere/awsprof"
  expect_equal "awsprof list --help through a symlink" "0" \
    "$(cd / && PATH=/usr/bin:/bin "$scratch/elsewhere/awsprof" list --help >/dev/null; echo $?)"
  # Every command the dispatcher lists runs and answers --help.
  for tool in "$bin_dir"/awsprof-*; do
    command=${tool##*/awsprof-}
    PATH=/usr/bin:/bin "$bin_dir/awsprof" "$command" --help >/dev/null || fail "awsprof $command --help failed"
  done
  echo "ok: every awsprof-* in $bin_dir answers --help through the dispatcher"
}

case "$step" in
setup)
  rm -rf "$work"
  mkdir -p "$work"
  cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || {
    cat "$work/install.log" >&2
    fail "cmake --install"
  }
  for path in bin/awsprof bin/awsprof-list share/man/man1/awsprof.1 \
    share/bash-completion/completions/awsprof share/zsh/site-functions/_awsprof \
    share/fish/vendor_completions.d/awsprof.fish include/awsprof/document.hpp \
    "$libdir"/libawsprof-config.a "$libdir"/cmake/awsprof/awsprofConfig.cmake \
    "$libdir"/cmake/awsprof/awsprofConfigVersion.cmake "$libdir"/cmake/awsprof/awsprofTargets.cmake \
    "$libdir"/pkgconfig/awsprof.pc; do
    [ -e "$prefix/$path" ] || fail "cmake --install did not install $path"
  done
  # The dispatcher's commands are the installed executables, and nothing from the build tree leaks.
  for tool in "$build"/bin/awsprof-*; do
    [ -x "$prefix/bin/${tool##*/}" ] || fail "${tool##*/} is built but not installed"
  done
  if find "$prefix" -name '*.cpp' -o -name 'CMakeCache.txt' | grep -q .; then fail "sources installed"; fi
  echo "ok: installed into $prefix"
  ;;

version)
  check_tools "$prefix/bin" "$work"
  # No executable may hold two C++ runtimes: one linked in (AWSPROF_STATIC_RUNTIME) and the
  # shared libstdc++ another library (toml++, Hyperscan) would load beside it.
  need nm binutils
  for tool in "$prefix"/bin/awsprof*; do
    if nm "$tool" 2>/dev/null | grep -q ' [TW] _ZNSt8ios_base4InitC1Ev' && ldd "$tool" | grep -q 'libstdc++'; then
      fail "${tool##*/} links libstdc++ statically and also loads libstdc++.so"
    fi
  done
  echo "ok: no installed executable mixes a static and a shared libstdc++"
  ;;

man)
  need mandoc mandoc
  need man man-db
  pages=$(ls "$prefix"/share/man/man1/*.1)
  [ -n "$pages" ] || fail "no man pages installed"
  for page in "$source"/man/*.1; do
    [ -f "$prefix/share/man/man1/${page##*/}" ] || fail "man/${page##*/} not installed"
  done
  status=0
  for page in $pages; do
    if ! out=$(mandoc -T lint -W warning "$page" 2>&1) || [ -n "$out" ]; then
      echo "FAIL: mandoc -T lint -W warning ${page##*/}:" >&2
      echo "$out" >&2
      status=1
      continue
    fi
    if ! err=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null) || [ -n "$err" ]; then
      echo "FAIL: man -l ${page##*/}: $err" >&2
      status=1
      continue
    fi
    echo "ok: ${page##*/} lints clean and renders"
  done
  # A command without a page is reported (each tool's own issue asks for its page), not failed here.
  for tool in "$prefix"/bin/awsprof-*; do
    [ -f "$prefix/share/man/man1/${tool##*/}.1" ] || echo "NOTE: ${tool##*/} has no man page yet (man/${tool##*/}.1)"
  done
  exit $status
  ;;

headers)
  # The layers' headers, and for one release the forwarding headers of their old names.
  expected=$( (cd "$source/libconfig/include" && find awsprof -type f; cd "$source/libconfig/compat" && find awsprof -type f) | sort)
  installed=$(cd "$prefix/include" && find . -type f | sed 's|^\./||' | sort)
  expect_equal "installed headers are exactly libconfig/include/awsprof/ and libconfig/compat/awsprof/" "$expected" "$installed"
  # A forwarding header only includes its new name, which is compiled on its own below: that its
  # includes resolve from the installed include/ is what is left to check, and the preprocessor
  # does that at a tenth of a compile's cost.
  forwarding=$(cd "$source/libconfig/compat" && find awsprof -type f | sort)
  rm -rf "$work/header_check" && mkdir -p "$work/header_check"
  : >"$work/header_check/own.list"
  : >"$work/header_check/forwarding.list"
  n=0
  for header in $installed; do
    n=$((n + 1))  # the number keeps the names apart; the rest names the header in messages
    check="$work/header_check/$n-$(echo "$header" | tr / _).cpp"
    printf '#include <%s>\n#include <%s>\n' "$header" "$header" >"$check"
    if echo "$forwarding" | grep -qx "$header"; then
      echo "$check" >>"$work/header_check/forwarding.list"
    else
      echo "$check" >>"$work/header_check/own.list"
    fi
  done
  # The compiles are independent: as many at once as there are cores, and one more (one after
  # another they took two minutes on a busy 2-core machine, the longest test of the suite).
  jobs=$(($(nproc) + 1))
  include="-I$prefix/include"
  xargs -P "$jobs" -I {} "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Werror "$include" {} \
    <"$work/header_check/own.list" ||
    fail "a header above does not compile on its own (twice, for its include guard) from the installed include/"
  xargs -P "$jobs" -I {} "$cxx" -std=c++20 -E -o /dev/null "$include" {} <"$work/header_check/forwarding.list" ||
    fail "a forwarding header above does not resolve from the installed include/"
  echo "ok: each installed header compiles on its own, each forwarding header resolves"
  ;;

example)
  flags=$(sanitizer_flags)
  rm -rf "$work/example"
  cmake -S "$examples/cpp" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
    >"$work/example.log" 2>&1 && cmake --build "$work/example" >>"$work/example.log" 2>&1 || {
    cat "$work/example.log" >&2
    fail "examples/cpp does not build against the installed awsprof"
  }
  grep -q "awsprof_DIR:PATH=$prefix/$libdir/cmake/awsprof" "$work/example/CMakeCache.txt" ||
    fail "find_package(awsprof) did not use the temporary prefix"
  out=$(AWS_CONFIG_FILE=$examples/config AWS_SHARED_CREDENTIALS_FILE=$examples/credentials \
    "$work/example/list_profiles" prod-admin region)
  expect_equal "examples/cpp list_profiles prod-admin region" \
    "default dev prod-admin ci eks tools legacy prod-admin region = eu-west-1" "$(echo $out)"
  out=$(AWS_CONFIG_FILE=$examples/config AWS_SHARED_CREDENTIALS_FILE=$examples/credentials AWS_PROFILE=dev \
    "$work/example/list_profiles" | tail -n 1)
  expect_equal "examples/cpp list_profiles with AWS_PROFILE=dev" "dev region = us-west-2" "$out"
  ;;

pkg-config)
  need pkg-config pkg-config
  flags=$(sanitizer_flags)
  export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
  expect_equal "pkg-config --modversion awsprof" "$version" "$(pkg-config --modversion awsprof)"
  # shellcheck disable=SC2046,SC2086
  # No -std here: awsprof.pc's Cflags must bring C++20 (the compiler's default may be older).
  "$cxx" $flags -o "$work/list_profiles_pc" "$examples/cpp/list_profiles.cpp" \
    $(pkg-config --cflags --libs awsprof) || fail "list_profiles.cpp does not build with pkg-config"
  out=$(AWS_CONFIG_FILE=$examples/config AWS_SHARED_CREDENTIALS_FILE=$examples/credentials \
    "$work/list_profiles_pc" tools region | tail -n 1)
  expect_equal "list_profiles built with pkg-config" "tools region = ap-southeast-2" "$out"
  ;;

deb)
  need cpack cmake
  need dpkg-deb dpkg
  need dpkg-shlibdeps dpkg-dev
  deb_dir=$work-deb
  rm -rf "$deb_dir"
  mkdir -p "$deb_dir"
  # cpack packages what is built: it builds nothing (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY, package.cmake).
  (cd "$build" && cpack -G DEB -B "$deb_dir" >"$deb_dir/cpack.log" 2>&1) || {
    cat "$deb_dir/cpack.log" >&2
    fail "cpack -G DEB"
  }
  deb=$(ls "$deb_dir"/awsprof_*.deb)
  dev_deb=$(ls "$deb_dir"/awsprof-dev_*.deb)
  info=$(dpkg-deb --info "$deb")
  echo "$info"
  depends=$(dpkg-deb --field "$deb" Depends)
  echo "Depends: $depends"
  # libstdc++6 only when some tool links it dynamically (AWSPROF_STATIC_RUNTIME covers only some).
  if for tool in "$build"/bin/awsprof*; do ldd "$tool"; done | grep -q 'libstdc++'; then
    stdcxx=libstdc++6
  else
    stdcxx=
    case ", $depends," in
      *", libstdc++6 "* | *", libstdc++6,"*) fail "Depends names libstdc++6, which the tools link statically: $depends" ;;
    esac
  fi
  for library in libc6 $stdcxx libssl3 libcurl4 libexpat1 libhyperscan5 libtomlplusplus3; do
    case ", $depends," in
      *", $library "* | *", $library,"*) ;;
      *) fail "Depends lacks $library: $depends" ;;
    esac
  done
  echo "ok: Depends names the Debian runtime libraries"
  expect_equal "Package" "awsprof" "$(dpkg-deb --field "$deb" Package)"
  expect_equal "Version" "$version-1" "$(dpkg-deb --field "$deb" Version)"
  description=$(dpkg-deb --field "$deb" Description)
  case "$description" in
    "Tools for the AWS shared config and credentials files"*"AWS CLI v2"*) echo "ok: Description" ;;
    *) fail "Description: $description" ;;
  esac
  contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
  for path in ./usr/bin/awsprof ./usr/bin/awsprof-list ./usr/share/man/man1/awsprof.1 \
    ./usr/share/man/man1/awsprof-list.1 ./usr/share/bash-completion/completions/awsprof \
    ./usr/share/zsh/site-functions/_awsprof ./usr/share/fish/vendor_completions.d/awsprof.fish; do
    echo "$contents" | grep -qx "$path" || fail "$deb does not contain $path"
  done
  for page in "$source"/man/*.1; do
    echo "$contents" | grep -qx "./usr/share/man/man1/${page##*/}" || fail "$deb lacks the man page ${page##*/}"
  done
  if echo "$contents" | grep -q '/include/\|\.a$'; then fail "$deb holds development files"; fi
  echo "ok: $deb holds the tools, the man pages and the completions"
  dev_contents=$(dpkg-deb --contents "$dev_deb" | awk '{print $NF}')
  for path in ./usr/include/awsprof/document.hpp ./usr/$libdir/libawsprof-config.a \
    ./usr/$libdir/cmake/awsprof/awsprofConfig.cmake ./usr/$libdir/pkgconfig/awsprof.pc; do
    echo "$dev_contents" | grep -qx "$path" || fail "$dev_deb does not contain $path"
  done
  dpkg-deb --field "$dev_deb" Depends | grep -q libhyperscan-dev || fail "awsprof-dev Depends lacks libhyperscan-dev"
  echo "ok: $dev_deb holds the library, headers, CMake package and awsprof.pc"
  dpkg -x "$deb" "$deb_dir/root"
  check_tools "$deb_dir/root/usr/bin" "$deb_dir"
  ;;

*)
  echo "usage: install_test.sh setup|version|man|headers|example|pkg-config|deb BUILD SOURCE WORK VERSION SANITIZE CXX" >&2
  exit 2
  ;;
esac
