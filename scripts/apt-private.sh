# Shell helpers for running apt-get against Debian's archive with private
# state, leaving the system's apt setup untouched.  Source it; it defines:
#
#   derive_sources TYPE SUITE KEYRING
#       print sources.list lines of TYPE (deb or deb-src) for SUITE, built
#       from the Debian archive URIs this machine's apt sources use (one-line
#       and deb822 formats); a security archive maps to SUITE-security, and
#       is left out for sid/unstable, which have none.
#   private_apt DIR COMMAND ARGS...
#       run COMMAND (apt-get, apt-cache) with lists, state and downloads
#       kept in DIR, and DIR/sources.list as the only source list.

derive_sources() {
    {
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            awk '$1 == "deb" || $1 == "deb-src" {
                     i = 2
                     if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                     print $i, $(i + 1)
                 }' "$f"
        done
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk 'function flush() {
                     n = split(uris, u, " "); m = split(suites, s, " ")
                     for (i = 1; i <= n; i++)
                         for (j = 1; j <= m; j++) print u[i], s[j]
                     uris = ""; suites = ""
                 }
                 /^[ \t]*$/ { flush(); next }
                 /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
                 /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
                 END { flush() }' "$f"
        done
    } | awk -v type="$1" -v suite="$2" -v keyring="$3" '
        # Only Debian archives: suites named after Debian releases.
        $2 ~ /^(oldoldstable|oldstable|stable|testing|unstable|sid|experimental|buster|bullseye|bookworm|trixie|forky|duke)([-\/]|$)/ {
            uri = $1; sub(/\/$/, "", uri)
            if ($2 ~ /security/) {
                if (suite == "sid" || suite == "unstable") next
                line = uri " " suite "-security"
            } else
                line = uri " " suite
            if (!(line in seen)) {
                seen[line] = 1
                print type " [signed-by=" keyring "] " line " main"
            }
        }'
}

private_apt() {
    _pa_dir=$1 _pa_cmd=$2
    shift 2
    mkdir -p "$_pa_dir/lists/partial" "$_pa_dir/archives/partial"
    [ -f "$_pa_dir/status" ] || : > "$_pa_dir/status"
    "$_pa_cmd" -q \
        -o Dir::Etc::SourceList="$_pa_dir/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State="$_pa_dir" \
        -o Dir::State::Lists="$_pa_dir/lists" \
        -o Dir::State::status="$_pa_dir/status" \
        -o Dir::Cache="$_pa_dir" \
        -o Dir::Cache::Archives="$_pa_dir/archives" \
        -o APT::Sandbox::User="$(id -un)" \
        "$@"
}
