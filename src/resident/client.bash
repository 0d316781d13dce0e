# `sheetbook build` and `validate` on Linux and macOS, the usual way: hand the command line to the resident process
# (src/resident/server.ts) with bash alone — no node to start — and relay its output and exit code. The launcher at the
# top of dist/cli.js runs this as
#   bash client.bash <node client> <snapshot blob> <node's inode> <port file key> <dist/cli.js> build …
# When there is no resident to be found, or it declines (its program changed), the node client
# (src/resident/client.ts) takes over: it starts a resident, or runs the command in a process of its own.
# The channel is described in src/resident/channel.ts.
client=$1 blob=$2 inode=$3 key=$4 cli=$5
shift 5

# Where node's os.tmpdir() is, and the port file the resident wrote there (this user's, in this user's folder).
tmp=${TMPDIR:-${TMP:-${TEMP:-/tmp}}}
[ "$tmp" = / ] || tmp=${tmp%/}
port_file="$tmp/sheetbook-$UID/$key.port"

# (The braces keep `2>/dev/null` to the connecting: on `exec` itself it would silence the rest for good.)
if [ -O "$tmp/sheetbook-$UID" ] && [ -O "$port_file" ] && read -r port token < "$port_file" 2>/dev/null &&
  { exec 3<> "/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  # The variables the program reads (its own, CI), those that shape text, and the usual places.
  env=()
  for name in "${!SHEETBOOK_@}" CI NO_COLOR TZ LANG LC_ALL HOME PATH TMPDIR TMP TEMP; do
    [ -n "${!name+set}" ] && env+=("$name=${!name}")
  done
  stdout_tty=0 stderr_tty=0
  [ -t 1 ] && stdout_tty=1
  [ -t 2 ] && stderr_tty=1
  printf '%s\0' "$token" "$PWD" "$stdout_tty" "$stderr_tty" "$#" "$@" "${#env[@]}" "${env[@]}" >&3
  relayed=0
  while IFS= read -r line <&3; do
    case $line in
      o*) relayed=1; printf '%s\n' "${line:1}" ;;
      p*) relayed=1; printf '%s' "${line:1}" ;;
      e*) relayed=1; printf '%s\n' "${line:1}" >&2 ;;
      f*) relayed=1; printf '%s' "${line:1}" >&2 ;;
      x*)
        [ -n "$SHEETBOOK_DEBUG" ] && echo 'sheetbook: served by the resident process' >&2
        exit "${line:1}" ;;
      d*)
        [ -n "$SHEETBOOK_DEBUG" ] && echo "sheetbook: the resident process declined (${line:1}); running here" >&2
        break ;;
    esac
  done
  exec 3<&-
  if [ "$relayed" = 1 ]; then
    echo 'sheetbook の常駐プロセスが、処理の途中で終わりました。もう一度実行してください。' >&2
    exit 70
  fi
fi
exec node "$client" "$blob" "$inode" "$cli" "$@"
