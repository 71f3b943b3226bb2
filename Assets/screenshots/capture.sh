#!/bin/sh
# Captures every console screen from the real binary, keys sent through tmux. Run from the project root after building:
#   sh Assets/screenshots/capture.sh [path/to/incentives]          text: NAME.txt, tmux capture-pane of `console --demo`
#   sh Assets/screenshots/capture.sh --png [path/to/incentives]    pictures: NAME.png, in colour, from a real terminal
# Both take the demo as of 2026-11-25 (--today: the day after its last events, so streaks are in progress).
# --png runs the console on a fresh demo database (deliveries in every state) in an xterm (DejaVu Sans Mono,
# TERM=xterm-256color) attached to the tmux session under Xvfb, and takes the xterm's window with ImageMagick's
# import. It needs the Debian packages xvfb, xterm, x11-utils, imagemagick and fonts-dejavu-core (exit 69 naming the
# missing ones); CI does not take pictures.
set -eu
MODE=txt
if [ "${1:-}" = --png ]; then MODE=png; shift; fi
BIN=${1:-.build/debug/incentives}
OUT=Assets/screenshots
[ -x "$BIN" ] || { echo "capture.sh: $BIN is not an executable (build it first, or give its path)" >&2; exit 66; }
[ -d "$OUT" ] || { echo "capture.sh: run from the project root ($OUT not found)" >&2; exit 66; }

# The tools each mode needs, with the Debian package of each; every missing one is named at once.
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need tmux tmux
if [ $MODE = png ]; then
    need Xvfb xvfb
    need xterm xterm
    need xwininfo x11-utils
    need import imagemagick
    # `convert` alone may be some other program's (GraphicsMagick, a stand-in): ImageMagick's says so.
    convert -version 2>/dev/null | grep -q ImageMagick || missing="$missing imagemagick"
    fc-list 2>/dev/null | grep -q 'DejaVu Sans Mono' || missing="$missing fonts-dejavu-core"
fi
if [ -n "$missing" ]; then
    pkgs=$(printf '%s\n' $missing | sort -u | tr '\n' ' ' | sed 's/ $//')
    echo "capture.sh: missing tools; install them with: apt-get install -y $pkgs" >&2
    exit 69
fi

TMP=$(mktemp -d)
XVFB=""
sock=""
cleanup() {
    [ -z "$sock" ] || tmux -S "$sock" kill-server 2>/dev/null || true
    [ -z "$XVFB" ] || kill "$XVFB" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ $MODE = txt ]; then
    CONSOLE="$BIN console --demo --today 2026-11-25"
else
    # The demo database, made by the binary as on first run; the shots only read it. The console runs in the
    # database's folder, so that the tab bar names it as a user's would (incentives.sqlite), with Assets beside it
    # for the keys that type a file's name.
    case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
    ln -s "$PWD/Assets" "$TMP/Assets"
    "$BIN" demo-feed --reset --db "$TMP/incentives.sqlite" >/dev/null 2>"$TMP/demo.log" \
        || { echo "capture.sh: the demo database could not be made:" >&2; cat "$TMP/demo.log" >&2; exit 70; }
    CONSOLE="cd '$TMP' && exec '$BIN' console --db incentives.sqlite --today 2026-11-25"
    # Xvfb picks a free display itself (-displayfd), so another X server on this machine is never disturbed; -noreset,
    # or it resets when a shot's xterm, its last client, goes, and the next xterm can arrive mid-reset.
    Xvfb -displayfd 3 -screen 0 1600x1200x24 -nolisten tcp -noreset 3>"$TMP/display" 2>"$TMP/xvfb.log" &
    XVFB=$!
    i=0
    until [ -s "$TMP/display" ]; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "capture.sh: Xvfb did not start:" >&2; cat "$TMP/xvfb.log" >&2; exit 71; }
        sleep 0.1
    done
    DISPLAY=:$(cat "$TMP/display")
    export DISPLAY
    # tmux's own status line off (the console fills the terminal), and 256 colours inside.
    term=screen-256color
    infocmp tmux-256color >/dev/null 2>&1 && term=tmux-256color
    printf 'set -g status off\nset -g default-terminal %s\n' "$term" > "$TMP/tmux.conf"
    # The xterm's look: DejaVu Sans Mono 11, and the Tomorrow Night palette. xterm's own palette draws blue, the
    # console's dim text, as #0000ee, hard to read on a dark background; a dark theme's blue is light.
    cat > "$TMP/xterm.ad" <<'EOF'
XTerm*faceName: DejaVu Sans Mono
XTerm*faceSize: 11
XTerm*internalBorder: 8
XTerm*allowTitleOps: false
XTerm*termName: xterm-256color
XTerm*background: #1d1f21
XTerm*foreground: #e0e0e0
XTerm*cursorColor: #e0e0e0
XTerm*color0: #1d1f21
XTerm*color1: #cc6666
XTerm*color2: #b5bd68
XTerm*color3: #f0c674
XTerm*color4: #81a2be
XTerm*color5: #b294bb
XTerm*color6: #8abeb7
XTerm*color7: #c5c8c6
XTerm*color8: #969896
XTerm*color9: #d54e53
XTerm*color10: #b9ca4a
XTerm*color11: #e7c547
XTerm*color12: #7aa6da
XTerm*color13: #c397d8
XTerm*color14: #70c0b1
XTerm*color15: #eaeaea
EOF
fi

# shot NAME WxH WHERE KEYS...: a fresh console, the keys sent one by one, then the capture. WHERE is txt, png or
# both: which mode takes this shot.
shot() {
    name=$1 size=$2 where=$3
    shift 3
    [ "$where" = both ] || [ "$where" = $MODE ] || return 0
    width=${size%x*} height=${size#*x}
    # A server of its own per shot (a killed server can take a moment to go, and a new session must not land in it),
    # its socket in the temporary folder, removed with it.
    sock=$TMP/$name.sock
    if [ $MODE = txt ]; then
        tmux -S "$sock" -f /dev/null new-session -d -s shot -x "$width" -y "$height" "$CONSOLE"
    else
        env -u NO_COLOR TERM=xterm-256color tmux -S "$sock" -f "$TMP/tmux.conf" new-session -d -s shot -x "$width" -y "$height" "$CONSOLE"
        env -u NO_COLOR XENVIRONMENT="$TMP/xterm.ad" xterm -geometry "${width}x${height}+0+0" -T "shot-$name" \
            -e tmux -S "$sock" attach -t shot 2>>"$TMP/xterm.log" &
        xterm=$!
        i=0
        until window=$(xwininfo -name "shot-$name" 2>/dev/null | awk '/Window id:/ { print $4 }') && [ -n "$window" ]; do
            i=$((i + 1))
            [ $i -lt 100 ] || { echo "capture.sh: the xterm for $name did not open:" >&2; cat "$TMP/xterm.log" >&2; exit 71; }
            sleep 0.1
        done
    fi
    sleep 1.5
    for k in "$@"; do
        case $k in
            text:*) tmux -S "$sock" send-keys -t shot -l "${k#text:}" ;;
            *) tmux -S "$sock" send-keys -t shot "$k" ;;
        esac 2>/dev/null || { echo "capture.sh: the console ended before $name was taken" >&2; exit 70; }
        sleep 0.3
    done
    sleep 0.7
    tmux -S "$sock" has-session -t shot 2>/dev/null || { echo "capture.sh: the console ended before $name was taken" >&2; exit 70; }
    if [ $MODE = txt ]; then
        tmux -S "$sock" capture-pane -p -t shot > "$OUT/$name.txt"
        echo "$OUT/$name.txt"
    else
        # 64 colours keep the antialiased text crisp and the file small.
        import -window "$window" "$TMP/shot.png"
        convert "$TMP/shot.png" -strip -colors 64 "PNG8:$OUT/$name.png"
        echo "$OUT/$name.png"
    fi
    tmux -S "$sock" kill-server
    sock=""
    # The xterm ends with its tmux client; the next shot's window must not find this one by name.
    [ $MODE = txt ] || wait "$xterm" 2>/dev/null || true
}

# One list for both modes. The user page in pictures is a Hooli user in the points program, so the points bar shows.
shot 1-programs 120x40 both
shot 1-programs-preview 120x40 both p "text:Assets/demo/catalog-proposed.json" Enter j
shot 1-programs-report-80x24 80x24 txt j r
shot 2-users 120x40 both 2
shot 2-user-page 120x40 txt 2 / text:u-00002 Enter
shot 2-user-page-why 120x40 txt 2 / text:u-00002 Enter w
shot 2-user-page-80x24 80x24 txt 2 / text:u-00002 Enter
shot 2-user-page-points 120x40 png 2 / text:u-00078 Enter
shot 2-user-page-points-why 120x40 png 2 / text:u-00078 Enter w
shot 3-achievements 120x40 txt 3
shot 3-achievement-evidence 120x40 both 3 Enter
shot 4-simulator 120x40 both 4 s n l l b b
shot 4-simulator-80x24 80x24 txt 4 s
shot 5-live 120x40 both 5
shot 6-deliveries 120x40 both 6
shot 7-reports 120x40 both 7 l
shot 7-reports-80x24 80x24 txt 7
shot help 120x40 both "?"
