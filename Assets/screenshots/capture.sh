#!/bin/sh
# Captures every console screen from the real binary in tmux, as text (and as PNG rendered from the text when
# ImageMagick is installed). Run from the project root after `swift build`:
#   sh Assets/screenshots/capture.sh [path/to/incentives]
set -eu
BIN=${1:-.build/debug/incentives}
OUT=Assets/screenshots
command -v tmux >/dev/null || { echo "capture.sh: tmux is needed" >&2; exit 69; }

# shot NAME WIDTH HEIGHT KEYS...: a fresh console on the demo files, the keys sent one by one, then the capture.
shot() {
    name=$1 width=$2 height=$3
    shift 3
    tmux -L shots kill-server 2>/dev/null || true
    tmux -L shots -f /dev/null new-session -d -s shot -x "$width" -y "$height" "$BIN console --demo"
    sleep 1.5
    for k in "$@"; do
        case $k in
            text:*) tmux -L shots send-keys -t shot -l "${k#text:}" ;;
            *) tmux -L shots send-keys -t shot "$k" ;;
        esac
        sleep 0.3
    done
    sleep 0.7
    tmux -L shots capture-pane -p -t shot > "$OUT/$name.txt"
    tmux -L shots kill-server
    if convert -version 2>/dev/null | grep -q ImageMagick; then
        convert -background '#1d1f21' -fill '#e0e0e0' -font DejaVu-Sans-Mono -pointsize 14 "label:@$OUT/$name.txt" "$OUT/$name.png"
    fi
    echo "$OUT/$name.txt"
}

shot 1-programs 120 40
shot 1-programs-preview 120 40 p "text:Assets/demo/catalog-proposed.json" Enter j
shot 1-programs-report-80x24 80 24 j r
shot 2-users 120 40 2
shot 2-user-page 120 40 2 / text:u-00002 Enter
shot 2-user-page-why 120 40 2 / text:u-00002 Enter w
shot 2-user-page-80x24 80 24 2 / text:u-00002 Enter
shot 3-achievements 120 40 3
shot 3-achievement-evidence 120 40 3 Enter
shot 4-simulator 120 40 4 s n l l b b
shot 4-simulator-80x24 80 24 4 s
shot 5-live 120 40 5
shot 6-deliveries 120 40 6
shot help 120 40 "?"
