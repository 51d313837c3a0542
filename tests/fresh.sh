#!/bin/bash
# tests/fresh.sh - the README contract on a fresh machine.  Builds a Debian 12
# (bookworm) minbase root with debootstrap (+ git, ca-certificates), clones
# the commit under test (HEAD) into it, puts ../shared beside it read-only
# when present, and runs, as a new user would, every command of the code
# blocks README.md marks with "<!-- fresh.sh runs this block -->" (Quick
# start, Tests): the commands are read from README.md itself, so the README
# cannot drift from what is tested.  Prints each command, its exit status
# and its time; exits non-zero when any command fails.
#
# Runs as root (debootstrap, chroot, mounts) with a Debian mirror reachable:
# the one apt uses (/etc/apt/sources.list*), or $TAGAR_FRESH_MIRROR.  The
# debootstrap result is cached as a tarball in $TAGAR_FRESH_CACHE (default
# /var/cache/tagar-fresh), and so are the .deb files the set-up step
# downloads, so only the first run pays for the downloads; each run still
# installs every package afresh.  Uncommitted changes are not tested.
# Usage: tests/fresh.sh            (from anywhere inside the checkout)
set -euo pipefail

suite=fresh
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$top" rev-parse HEAD)
cache=${TAGAR_FRESH_CACHE:-/var/cache/tagar-fresh}
marker='<!-- fresh.sh runs this block -->'
say() { echo "$suite: $*"; }
die() { echo "$suite: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot and mounts)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

# The bookworm mirror apt uses: the first "deb" source (one-line or deb822)
# whose suites include bookworm itself.
apt_mirror() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { u = ""; for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { u = $i; s = $(i + 1); break }
			if (u != "" && s == "bookworm") { print u; exit } }'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
			{ u = ""; s = ""; t = ""
			  for (i = 1; i <= NF; i++) {
			    if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*/, "", u) }
			    if ($i ~ /^Suites:/) s = " " $i " "
			    if ($i ~ /^Types:/) t = $i }
			  if (u != "" && t ~ /deb( |$)/ && s ~ / bookworm /) { print u; exit } }' "$f"
	done
}
mirror=${TAGAR_FRESH_MIRROR:-$(apt_mirror | head -n 1)}
[ -n "$mirror" ] || die "no bookworm mirror in /etc/apt/sources.list*; set TAGAR_FRESH_MIRROR"

# The commands of README.md's marked blocks, one a line; a comment after
# a command is left to the shell.
readme_commands() {
	awk -v m="$marker" '
		$0 == m { want = 1; next }
		want && /^```/ { if (inside) { inside = 0; want = 0 } else inside = 1; next }
		inside && NF && $1 !~ /^#/ { print }' "$top/README.md"
}
mapfile -t commands < <(readme_commands)
[ "${#commands[@]}" -ge 3 ] || die "README.md marks ${#commands[@]} commands ('$marker'), want the set-up, tag and test commands"

root=$(mktemp -d /var/tmp/tagar-fresh.XXXXXX)
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" || true
	done
	# nothing may still be mounted below the root before it is removed
	rm -f "$root.out" "$root.log"
	if ! grep -q " $root/" /proc/mounts; then rm -rf "$root"; else echo "$suite: left $root (still mounted)" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount_in() { # TARGET MOUNT-ARGS...: mount below the root, unmounted on exit
	local target=$root$1; shift
	mkdir -p "$target"
	mount "$@" "$target"
	mounted+=("$target")
}

# timed STEP COMMAND...: prints the step, its status and its time
timed() {
	local what=$1 start end rc; shift
	echo "$suite: \$ $what"
	start=$(date +%s.%N)
	set +e; "$@"; rc=$?; set -e
	end=$(date +%s.%N)
	say "$(awk -v s="$start" -v e="$end" -v rc="$rc" -v w="$what" 'BEGIN { printf "status %d, %.1f s: %s", rc, e - s, w }')"
	return "$rc"
}

# --- the minimal Debian 12 root, from the cache when it is there
arch=$(dpkg --print-architecture)
tarball=$cache/bookworm-minbase-git-$arch.tar.gz
mkdir -p "$cache/archives/partial"
total_start=$(date +%s)
if [ -s "$tarball" ]; then
	timed "unpack cached root $tarball" tar -xzf "$tarball" -C "$root"
else
	quiet() { "$@" > "$root.log" 2>&1 || { tail -n 20 "$root.log"; return 1; }; }
	timed "debootstrap --variant=minbase --include=git,ca-certificates bookworm $root $mirror" \
		quiet debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" "$mirror"
	rm -f "$root"/var/cache/apt/archives/*.deb
	timed "cache the root as $tarball" tar -czf "$tarball.tmp" -C "$root" . && mv "$tarball.tmp" "$tarball"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

mount_in /proc -t proc proc
mount_in /sys -t sysfs sysfs
mount_in /dev --rbind /dev
mount --make-rslave "$root/dev"
# apt downloads as its _apt user: the shared cache must be its to write
chown "$(chroot "$root" id -u _apt 2>/dev/null || echo 0)" "$cache/archives/partial"
mount_in /var/cache/apt/archives --bind "$cache/archives"

# --- the commit under test, and the shared corpora beside it
src=/home/user/tagar
timed "git clone (commit $commit)" sh -c '
	git init -q "$1" && git -C "$1" fetch -q "$2" HEAD && git -C "$1" checkout -q FETCH_HEAD' \
	sh "$root$src" "$top"
[ "$(git -C "$root$src" rev-parse HEAD)" = "$commit" ] || die "the clone is not at $commit"
if [ -d "$top/../shared" ]; then
	mount_in "$(dirname "$src")/shared" --bind "$top/../shared"
	mount -o remount,bind,ro "$root$(dirname "$src")/shared"
	say "../shared mounted read-only beside the clone"
else
	say "no ../shared beside $top: the tests that need it skip"
fi

# --- README.md's commands, each in a login-like clean environment; their
# output is kept to repeat the test command's total at the end
log=$root.out
in_root() { # COMMAND: run in the clone's directory inside the root
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/sh -c 'cd "$1" && eval "$2"' sh "$src" "$1" < /dev/null 2>&1 | tee -a "$log"
}
failed=0
for cmd in "${commands[@]}"; do
	timed "$cmd" in_root "$cmd" || failed=$((failed + 1))
done
say "$((${#commands[@]} - failed)) of ${#commands[@]} README commands passed in $(($(date +%s) - total_start)) s"
grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || { say "no test total in the output"; failed=$((failed + 1)); }
rm -f "$log"
[ "$failed" -eq 0 ]
