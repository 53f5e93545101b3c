#!/bin/sh
# static_state.sh: no module keeps writable file-scope state (a request
# must not see what another left behind; doc/architecture.md) except
# what tests/static_state.allow lists, each with its reason.
#
# nm reads every object of src/libscimlet.a and of the two programs
# ($SCIMLET_OBJECTS, set by `make check`; relative to the build
# directory); a symbol is state when it is a data object in a writable
# section: .data, .bss, their thread-local twins, or common.  Constant
# tables that hold pointers live in .data.rel.ro, which is read-only once
# relocated: not state.  Sanitizer and compiler-made symbols are skipped.
#
# A self-test compiles a small object with $SCIMLET_CC and checks that
# its writable statics are found and its constants are not.
set -u

srcdir=${SCIMLET_SRCDIR:-.}
allow=$srcdir/tests/static_state.allow
objects=${SCIMLET_OBJECTS:-src/libscimlet.a src/main.o}
NM=${NM:-nm}
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# "module symbol section" for each writable data object defined in the
# objects and archives named; module is the object's name without
# directory, automake's per-target prefix or suffix, and a static local's
# numbering (gcc's "buf.1") is dropped.
writable() {
	"$NM" -A -f sysv --defined-only "$@" | awk -F'|' '
	NF >= 7 {
		where = $1; sub(/[ \t]+$/, "", where)
		type = $4; gsub(/[ \t]/, "", type)
		sect = $7; gsub(/[ \t]/, "", sect)
		if (type != "OBJECT" && type != "TLS")
			next
		if (sect !~ /^\.s?(t?data|t?bss)(\.|$)/ && sect != "*COM*")
			next
		if (sect ~ /^\.data\.rel\.ro/)
			next
		# path:name or archive:member:name
		k = split(where, part, ":")
		sym = part[k]
		mod = part[k - 1]
		sub(/.*\//, "", mod)
		sub(/\.[^.]*$/, "", mod)
		sub(/^.*-/, "", mod)
		if (sym ~ /^(\.L|__asan|___asan|__odr_asan|__ubsan|__sancov|__llvm|__profc|__profd|__covrec)/)
			next
		sub(/\.[0-9]+$/, "", sym)
		print mod, sym, sect
	}' | sort -u
}

# Allowed "module symbol" pairs, comments and blank lines dropped.
allowed() {
	sed -e 's/#.*//' -e 's/[ \t][ \t]*/ /g' -e 's/^ //' -e 's/ $//' \
	    "$1" | grep -v '^$' | sort -u
}

# Compare: a test point per writable symbol, and one per stale entry.
check() {
	list=$1
	found=$2
	while read -r mod sym sect; do
		if grep -qx "$mod $sym" "$list"; then
			ok "$mod: $sym ($sect) is on the allow-list"
		else
			not_ok "$mod: $sym ($sect) is writable file-scope state"
			echo "# make it a parameter or a member of the request"
			echo "# context (src/ctx.h), or add \"$mod $sym\" with its"
			echo "# reason to tests/static_state.allow"
		fi
	done < "$found"
	while read -r mod sym; do
		awk -v m="$mod" -v s="$sym" '$1 == m && $2 == s { f = 1 }
		    END { exit !f }' "$found" ||
		    not_ok "allow-list entry \"$mod $sym\" names nothing: remove it"
	done < "$list"
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -r "$allow" ]; then
	echo "Bail out! no $allow (set SCIMLET_SRCDIR)"
	exit 1
fi
allowed "$allow" > "$tmp/allow"

# 1. The self-test: the check must be able to fail.
cat > "$tmp/probe.c" <<'EOF'
static int hits;				/* .bss: state */
int counter = 1;				/* .data: state */
static const char *const names[] = { "a", "b" };	/* .data.rel.ro */
static const int limit = 3;			/* .rodata */
int probe(int);
int
probe(int i)
{
	static char buf[64];			/* a static local: state */

	buf[i & 63] = names[i & 1][0];
	hits += limit;
	return buf[0] + hits + counter;
}
EOF
if ${SCIMLET_CC:-cc} -c -o "$tmp/probe.o" "$tmp/probe.c" 2>"$tmp/cc.err"; then
	writable "$tmp/probe.o" > "$tmp/probe.found"
	if [ "$(awk '{ print $1, $2 }' "$tmp/probe.found" | tr '\n' ' ')" = \
	    "probe buf probe counter probe hits " ]; then
		ok "self-test: a probe's three writable statics are found, its constants are not"
	else
		not_ok "self-test: the probe's writable statics are found"
		sed 's/^/# found: /' "$tmp/probe.found"
	fi
	printf 'probe hits\nprobe counter\nprobe buf\nprobe gone\n' > "$tmp/probe.allow"
	out=$(n=0; failed=0; check "$tmp/probe.allow" "$tmp/probe.found";
	    echo "failed=$failed")
	case $out in
	*"failed=1") ok "self-test: allowed statics pass, a stale entry fails" ;;
	*) not_ok "self-test: allowed statics pass, a stale entry fails"
	   echo "$out" | sed 's/^/# /' ;;
	esac
	: > "$tmp/empty.allow"
	out=$(n=0; failed=0; check "$tmp/empty.allow" "$tmp/probe.found";
	    echo "failed=$failed")
	case $out in
	*"failed=3") ok "self-test: unlisted statics fail" ;;
	*) not_ok "self-test: unlisted statics fail"
	   echo "$out" | sed 's/^/# /' ;;
	esac
else
	not_ok "self-test: compile a probe with ${SCIMLET_CC:-cc}"
	sed 's/^/# /' "$tmp/cc.err"
fi

# 2. The real objects.
for o in $objects; do
	if [ ! -r "$o" ]; then
		not_ok "$o: no such object (run from the build directory)"
		objects_missing=1
	fi
done
if [ -z "${objects_missing:-}" ]; then
	# shellcheck disable=SC2086
	writable $objects > "$tmp/found" 2>"$tmp/nm.err"
	if [ ! -s "$tmp/nm.err" ]; then
		check "$tmp/allow" "$tmp/found"
	else
		not_ok "$NM reads the objects"
		sed 's/^/# /' "$tmp/nm.err"
	fi
fi

echo "1..$n"
[ "$failed" -eq 0 ]
