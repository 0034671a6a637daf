# A lint and a small simulator for the udev rules in Hardware/udev (POSIX awk, no udevadm:
# `udevadm verify` only exists from systemd 254, and `udevadm test` needs real devices).
#
#   awk -v mode=lint -f udev-rules.awk FILE...
#       prints "FILE:LINE: problem" for each problem; exit status 1 when there is any.
#   awk -v mode=simulate -v device='SUBSYSTEM=tty;KERNEL=ttyUSB0;ACTION=add;ATTRS{idVendor}=0403' -f udev-rules.awk FILE...
#       runs the rules, in the order given, on that device; prints
#       "role=… links=… tags=… mm-ignore=… group=… mode=…" (group and mode empty when no rule
#       of these files sets them: the node keeps what udev's own rules gave it).
#
# It understands the subset the kiosk rules use: match keys ACTION, SUBSYSTEM(S), KERNEL(S),
# DRIVERS, ATTR{}, ATTRS{}, ENV{}, SYMLINK, TAG; assignments ENV{}, SYMLINK, TAG, GROUP, MODE,
# OWNER and OPTIONS (the last two not simulated); GOTO and LABEL; patterns with *, ?, [...] and | alternatives.

function problem(file, line, text) {
    printf "%s:%d: %s\n", file, line, text
    problems++
}

# Splits one rule line into fields: key[n], attr[n], op[n], value[n]; returns the count or -1.
function parse(text, file, line,    n, m, rest) {
    n = 0
    rest = text
    while (rest != "") {
        sub(/^[ \t]+/, "", rest)
        if (!match(rest, /^[A-Z]+(\{[A-Za-z0-9_]+\})?/)) { problem(file, line, "expected a key at: " rest); return -1 }
        n++
        fkey[n] = substr(rest, 1, RLENGTH)
        fattr[n] = ""
        if (index(fkey[n], "{") > 0) {
            fattr[n] = substr(fkey[n], index(fkey[n], "{") + 1)
            sub(/\}$/, "", fattr[n])
            fkey[n] = substr(fkey[n], 1, index(fkey[n], "{") - 1)
        }
        rest = substr(rest, RLENGTH + 1)
        sub(/^[ \t]+/, "", rest)
        if (!match(rest, /^(==|!=|\+=|-=|:=|=)/)) { problem(file, line, "expected an operator after " fkey[n]); return -1 }
        fop[n] = substr(rest, 1, RLENGTH)
        rest = substr(rest, RLENGTH + 1)
        sub(/^[ \t]+/, "", rest)
        if (!match(rest, /^"[^"]*"/)) { problem(file, line, "expected a \"quoted\" value after " fkey[n] fop[n]); return -1 }
        fvalue[n] = substr(rest, 2, RLENGTH - 2)
        rest = substr(rest, RLENGTH + 1)
        sub(/^[ \t]+/, "", rest)
        if (rest != "") {
            if (substr(rest, 1, 1) != ",") { problem(file, line, "expected a comma at: " rest); return -1 }
            rest = substr(rest, 2)
            sub(/^[ \t]+/, "", rest)
            if (rest == "") { problem(file, line, "trailing comma"); return -1 }
        }
    }
    return n
}

function check_field(file, line, i,    k, o) {
    k = fkey[i]; o = fop[i]
    if (k ~ /^(ACTION|SUBSYSTEM|SUBSYSTEMS|KERNEL|KERNELS|DRIVERS)$/) {
        if (fattr[i] != "") problem(file, line, k " takes no {argument}")
        if (o != "==" && o != "!=") problem(file, line, k " is a match key: use == or !=")
    } else if (k ~ /^(ATTR|ATTRS)$/) {
        if (fattr[i] == "") problem(file, line, k " needs an {attribute}")
        if (o != "==" && o != "!=") problem(file, line, k " is a match key here: use == or !=")
        if (fattr[i] ~ /^id(Vendor|Product)$/ && fvalue[i] !~ /^[0-9a-f]{4}(\|[0-9a-f]{4})*$/ && fvalue[i] !~ /^[0-9a-f|*?]+$/)
            problem(file, line, k "{" fattr[i] "} must be 4 lower-case hex digits (| between alternatives)")
    } else if (k == "ENV") {
        if (fattr[i] == "") problem(file, line, "ENV needs a {variable}")
        if (o == "-=") problem(file, line, "ENV does not take -=")
    } else if (k ~ /^(SYMLINK|TAG)$/) {
        if (o == ":=" || o == "=") problem(file, line, k " should be added with += (= drops the others)")
        if (k == "SYMLINK" && fvalue[i] ~ /^\//) problem(file, line, "SYMLINK is relative to /dev")
    } else if (k == "OPTIONS") {
        if (o != "+=" && o != "=") problem(file, line, "OPTIONS takes += or =")
    } else if (k ~ /^(MODE|GROUP|OWNER)$/) {
        if (o != "=" && o != ":=") problem(file, line, k " is an assignment: use = or :=")
    } else if (k ~ /^(GOTO|LABEL)$/) {
        if (o != "=") problem(file, line, k " takes =")
        if (fvalue[i] == "") problem(file, line, k " needs a name")
    } else {
        problem(file, line, "unknown or unsupported key " k)
    }
}

# A udev pattern (fnmatch with | alternatives) as an anchored extended regular expression.
function pattern(glob,    out, i, c, inclass) {
    out = ""; inclass = 0
    for (i = 1; i <= length(glob); i++) {
        c = substr(glob, i, 1)
        if (inclass) { out = out c; if (c == "]") inclass = 0; continue }
        if (c == "*") out = out ".*"
        else if (c == "?") out = out "."
        else if (c == "[") { out = out c; inclass = 1 }
        else if (c == "|") out = out "|"
        else if (c ~ /[.+(){}^$\\]/) out = out "\\" c
        else out = out c
    }
    return "^(" out ")$"
}

function matches(value, glob) { return value ~ pattern(glob) }

function property(k, a) {
    if (k == "ENV") return (("ENV{" a "}") in dev) ? dev["ENV{" a "}"] : ""
    if (k == "ATTRS" || k == "ATTR") return (("ATTRS{" a "}") in dev) ? dev["ATTRS{" a "}"] : ""
    if (k == "SUBSYSTEMS") k = "SUBSYSTEM"
    if (k == "KERNELS") k = "KERNEL"
    if (k == "SYMLINK") return links
    if (k == "TAG") return tags
    return (k in dev) ? dev[k] : ""
}

BEGIN {
    problems = 0; nrules = 0
    if (mode == "") mode = "lint"
    split(device, parts, ";")
    for (p in parts) {
        eq = index(parts[p], "=")
        if (eq > 0) dev[substr(parts[p], 1, eq - 1)] = substr(parts[p], eq + 1)
    }
}

{
    text = $0
    sub(/^[ \t]+/, "", text)
    sub(/[ \t]+$/, "", text)
    if (text == "" || substr(text, 1, 1) == "#") next
    if (text ~ /\\$/) { problem(FILENAME, FNR, "line continuations are not supported here"); next }
    n = parse(text, FILENAME, FNR)
    if (n <= 0) next
    nrules++
    rfile[nrules] = FILENAME; rline[nrules] = FNR; rcount[nrules] = n
    actions = 0
    for (i = 1; i <= n; i++) {
        check_field(FILENAME, FNR, i)
        rkey[nrules, i] = fkey[i]; rattr[nrules, i] = fattr[i]; rop[nrules, i] = fop[i]; rvalue[nrules, i] = fvalue[i]
        if (fop[i] != "==" && fop[i] != "!=") actions++
        if (fkey[i] == "LABEL") {
            if ((FILENAME SUBSEP fvalue[i]) in label) problem(FILENAME, FNR, "LABEL " fvalue[i] " defined twice")
            label[FILENAME, fvalue[i]] = nrules
        }
    }
    if (actions == 0) problem(FILENAME, FNR, "rule has matches but no assignment, GOTO or LABEL")
}

END {
    # Every GOTO jumps forward to a LABEL of the same file.
    for (r = 1; r <= nrules; r++)
        for (i = 1; i <= rcount[r]; i++)
            if (rkey[r, i] == "GOTO") {
                if (!((rfile[r] SUBSEP rvalue[r, i]) in label))
                    problem(rfile[r], rline[r], "GOTO " rvalue[r, i] " has no LABEL in this file")
                else if (label[rfile[r], rvalue[r, i]] <= r)
                    problem(rfile[r], rline[r], "GOTO " rvalue[r, i] " jumps backwards")
            }
    if (mode == "lint") exit(problems > 0 ? 1 : 0)
    if (problems > 0) exit 1

    links = ""; tags = ""; group = ""; fmode = ""
    r = 1
    while (r <= nrules) {
        matched = 1
        for (i = 1; i <= rcount[r] && matched; i++) {
            o = rop[r, i]
            if (o != "==" && o != "!=") continue
            v = property(rkey[r, i], rattr[r, i])
            if (rkey[r, i] == "SYMLINK" || rkey[r, i] == "TAG") {
                hit = 0; split(v, list, " ")
                for (j in list) if (matches(list[j], rvalue[r, i])) hit = 1
            } else {
                hit = matches(v, rvalue[r, i])
            }
            if ((o == "==") != hit) matched = 0
        }
        next_rule = r + 1
        if (matched) {
            for (i = 1; i <= rcount[r]; i++) {
                k = rkey[r, i]; o = rop[r, i]
                if (o == "==" || o == "!=") continue
                if (k == "ENV") dev["ENV{" rattr[r, i] "}"] = rvalue[r, i]
                else if (k == "SYMLINK") links = (o == "+=" && links != "") ? links " " rvalue[r, i] : rvalue[r, i]
                else if (k == "TAG") tags = (o == "+=" && tags != "") ? tags " " rvalue[r, i] : rvalue[r, i]
                else if (k == "GROUP") group = rvalue[r, i]
                else if (k == "MODE") fmode = rvalue[r, i]
                else if (k == "GOTO") next_rule = label[rfile[r], rvalue[r, i]]
            }
        }
        r = next_rule
    }
    role = ("ENV{KIOSK_ROLE}" in dev) ? dev["ENV{KIOSK_ROLE}"] : ""
    mm = ("ENV{ID_MM_DEVICE_IGNORE}" in dev) ? dev["ENV{ID_MM_DEVICE_IGNORE}"] : ""
    printf "role=%s links=%s tags=%s mm-ignore=%s group=%s mode=%s\n", role, links, tags, mm, group, fmode
}
