# Shell helpers shared by the scripts in this directory.  Source it after
# setting $top (the repo) and $src (the assembled tree); set $prog for messages.

# Where our own files live: the top-level directories of a CPython tree.
OVERLAY_DIRS="Doc Include Lib Misc Modules Objects PC Parser Python Tools"

# A shell that works in build/src with GIT_DIR=../src.git exported must not
# point git at that repository when a script means this one (or the reverse):
# every git call below names its repository itself.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

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
            while read -r f; do if [ -f "$top/$f" ]; then echo "$f"; fi; done
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

# Where our own files enter the series: patches/files has lines
# "PATH PATCH" (PATH a file or a directory of ours, PATCH a name in
# patches/series); the file, or every file of ours under the directory, enters
# the history in that patch's commit.  The longest PATH that matches wins;
# files no line names enter in the overlay commit after the last patch.
# manifest_map prints "PATCH PATH" for every file of ours (read from stdin,
# one path a line) that a line names; a bad line or one that names no file
# stops the run.
manifest_map() {
    manifest="$top/patches/files"
    [ -f "$manifest" ] || { cat > /dev/null; return 0; }
    awk -v manifest="$manifest" -v series="$top/patches/series" '
        function fail(msg) { print "patches/files: " msg > "/dev/stderr"; bad = 1 }
        BEGIN {
            while ((getline line < series) > 0) {
                sub(/#.*/, "", line)
                if (split(line, w) >= 1) inseries[w[1]] = 1
            }
            while ((getline line < manifest) > 0) {
                lineno++
                sub(/#.*/, "", line)
                n = split(line, w)
                if (n == 0) continue
                if (n != 2) { fail("line " lineno ": want \"PATH PATCH-NAME\": " line); continue }
                p = w[1]; sub(/\/+$/, "", p)
                name = w[2]; if (name !~ /\.patch$/) name = name ".patch"
                if (!(name in inseries)) fail("line " lineno ": " w[2] " is not in patches/series")
                if (p in seen) fail("line " lineno ": " p " is listed twice")
                seen[p] = 1
                k++; pre[k] = p; pat[k] = name; used[k] = 0; where[k] = lineno
            }
        }
        {
            best = 0; bl = -1
            for (i = 1; i <= k; i++) {
                p = pre[i]
                if (($0 == p || index($0, p "/") == 1) && length(p) > bl) { bl = length(p); best = i }
            }
            if (best) { print pat[best], $0; used[best] = 1 }
        }
        END {
            for (i = 1; i <= k; i++)
                if (!used[i]) fail("line " where[i] ": no file of ours is " pre[i] " or under it")
            exit bad
        }'
}

# Our own files in the assembled tree, one path a line, as scripts/assemble
# recorded them (older trees: the files of the overlay commit).
ours_in_tree() {
    if [ -f "$src.git/fork-ours" ]; then
        cat "$src.git/fork-ours"
    else
        srcgit diff --name-only --no-renames fork^ fork
    fi
}

# ours_entering A B OURS_FILE: the files of ours (listed in OURS_FILE) that
# the diff from A to B adds, i.e. that enter the history between A and B.
ours_entering() {
    srcgit diff --name-only --diff-filter=A --no-renames "$1" "$2" |
        grep -xF -f "$3" || true
}

# patch_header FILE: a patch's Debian-style header, the text before its diff.
patch_header() {
    sed -e '/^diff --git /,$d' "$1"
}

# patch_diff A B EXCLUDE_FILE: the diff from A to B as a patch of ours
# (renames as renames; a file copied to a new place while the old one is
# rewritten, as a copy: git apply and GNU patch both apply that), leaving
# out the paths listed in EXCLUDE_FILE (the files of ours that enter between
# A and B: plain files in this repo, not patch content; a patch's changes to
# files of ours that entered before it are patch content).  The index lines
# have 8-digit hashes: git's default length grows with the number of objects
# in the repository, so two clones would otherwise write different patches.
patch_diff() {
    set -- "$1" "$2" "$3" .
    while read -r path; do
        [ -n "$path" ] && set -- "$@" ":(exclude,literal)$path"
    done < "$3"
    a=$1 b=$2
    shift 3
    srcgit diff --no-color --no-ext-diff --abbrev=8 -M -C "$a" "$b" -- "$@"
}

# The hash of what the base of the assembled tree is made from, and of all
# that the tree is made from (scripts/assemble records it in $src.git/fork-inputs).
fork_base_inputs() {
    cat "$top/upstream/python3.13.pin" "$top/upstream/debian-patches" | sha256sum
}

fork_all_inputs() {
    {
        echo "$1"
        cat "$top/patches/series"
        cat "$top/patches/files" 2>/dev/null || true
        for p in $(series_patches); do cat "$top/patches/$p"; done
        overlay_files | while read -r f; do
            echo "$f"
            sha256sum < "$top/$f"
        done
    } | sha256sum
}
