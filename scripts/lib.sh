# Shell helpers shared by the scripts in this directory.  Source it after
# setting $top (the repo) and $src (the assembled tree); set $prog for messages.

# Where our own files live: the top-level directories of a CPython tree.
OVERLAY_DIRS="Doc Include Lib Misc Modules Objects PC Parser Python Tools"

say() { echo "${prog:-fork}: $*"; }
die() { echo "${prog:-fork}: error: $*" >&2; exit 1; }

# git, run inside the assembled tree (git apply and pathspecs work relative to
# the current directory), with a fixed identity for its commits.
srcgit() {
    GIT_AUTHOR_NAME=fork-build GIT_AUTHOR_EMAIL=fork-build@localhost \
    GIT_COMMITTER_NAME=fork-build GIT_COMMITTER_EMAIL=fork-build@localhost \
        git -C "$src" --git-dir="$src.git" --work-tree="$src" -c core.autocrlf=false -c advice.detachedHead=false "$@"
}

srcgit_commit() {
    srcgit commit -q --allow-empty --no-verify -m "$1"
}

# commit_index MESSAGE PARENT: commit the current index; print the commit.
commit_index() {
    tree=$(srcgit write-tree)
    srcgit commit-tree "$tree" -p "$2" -m "$1"
}

# The patch files named in patches/series, in order.
series_patches() {
    sed -e 's/#.*//' "$top/patches/series" | awk 'NF { print $1 }'
}

# Our files that go into the tree, as paths relative to $top.
overlay_files() {
    dirs=
    for d in $OVERLAY_DIRS; do
        [ -d "$top/$d" ] && dirs="$dirs $d"
    done
    [ -n "$dirs" ] || return 0
    if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$top" && git ls-files --cached --others --exclude-standard -- $dirs) |
            while read -r f; do [ -f "$top/$f" ] && echo "$f"; done
    else
        (cd "$top" && find $dirs -type f ! -name '*.pyc' | sort)
    fi
}

# Stop if the assembled tree has edits that are not saved in patches yet.
check_no_edits() {
    edits=$(srcgit status --porcelain --untracked-files=no)
    [ -z "$edits" ] && return 0
    die "$src has edits not saved in patches/:
$edits
Save them with 'make refresh-patches', or throw them away with 'make discard-edits'."
}
