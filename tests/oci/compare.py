#!/usr/bin/env python3
"""compare.py OUT REFERENCE CANDIDATE [PEER...] [--reasons FILE] [--table FILE] [--json FILE]

Reads the TAP that run-tap wrote under OUT/NAME/ for each runtime and compares the
candidate with the reference assertion by assertion: an assertion is a program and a test
description (the text after "ok N - " or "not ok N - "; a skip is its "# SKIP reason"; the
n-th repeat of one description in a program is its own assertion). Prints every assertion
the reference passes and the candidate does not (failed, skipped or missing: the program
stopped before it), then a table per program: pass/fail/skip for each runtime, and for
every program the candidate fails anything in, the reason from the reasons file (lines
"PROGRAM<TAB>reason"; '#' starts a comment). A reason starting with '!' marks a program that
tests a refusal (a config the spec says MUST fail): a candidate that refuses it passes the
program fully (exit status 0, no failure), and the assertions runtimetest would have checked
inside the container it was right not to create are not counted against it. Exit status 1
when the candidate fails any other assertion the reference passes, else 0.
"""
import json
import os
import re
import sys

TAP = re.compile(r'^(ok|not ok) (\d+)(?: - (.*)|\s*(#.*))?$')


def parse(path):
    """A program's TAP: ordered list of (key, status) with status pass|fail|skip."""
    out = []
    seen = {}
    try:
        text = open(path, encoding='utf-8', errors='replace').read()
    except OSError:
        return None
    for line in text.splitlines():
        m = TAP.match(line)
        if not m:
            continue
        desc = (m.group(3) if m.group(3) is not None else (m.group(4) or '')).strip()
        if m.group(1) == 'not ok':
            status = 'fail'
        elif re.search(r'#\s*SKIP', desc, re.I) or (m.group(4) or '').upper().startswith('# SKIP'):
            status = 'skip'
        else:
            status = 'pass'
        seen[desc] = seen.get(desc, 0) + 1
        key = desc if seen[desc] == 1 else '%s [#%d]' % (desc, seen[desc])
        out.append((key, status))
    return out


def read_rc(path):
    try:
        return int(open(path).read().strip())
    except (OSError, ValueError):
        return None


def read_reasons(path):
    reasons = {}
    if not path:
        return reasons
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        prog, _, why = line.partition('\t')
        reasons[prog.strip()] = why.strip()
    return reasons


def main(argv):
    opts = {'--reasons': None, '--table': None, '--json': None}
    pos = []
    it = iter(argv)
    for a in it:
        if a in opts:
            opts[a] = next(it, None)
        else:
            pos.append(a)
    if len(pos) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, names = pos[0], pos[1:]
    ref, cand = names[0], names[1]
    reasons = read_reasons(opts['--reasons'])
    progs = sorted({f[:-4] for n in names if os.path.isdir(os.path.join(out, n))
                    for f in os.listdir(os.path.join(out, n)) if f.endswith('.tap')})
    if not progs:
        print('compare: no TAP under %s' % out, file=sys.stderr)
        return 2
    regressions = []
    rows = []
    totals = {n: {'pass': 0, 'fail': 0, 'skip': 0, 'programs_passing': 0} for n in names}
    data = {'reference': ref, 'candidate': cand, 'programs': {}}
    for prog in progs:
        res = {}
        row = {'program': prog}
        for n in names:
            tap = parse(os.path.join(out, n, prog + '.tap'))
            rc = read_rc(os.path.join(out, n, prog + '.rc'))
            res[n] = dict(tap or [])
            c = {s: sum(1 for _, st in (tap or []) if st == s) for s in ('pass', 'fail', 'skip')}
            c['rc'] = rc
            c['count'] = len(tap or [])
            row[n] = c
            for s in ('pass', 'fail', 'skip'):
                totals[n][s] += c[s]
            if c['fail'] == 0 and rc == 0 and c['count'] > 0:
                totals[n]['programs_passing'] += 1
        lost = [k for k, st in res[ref].items() if st == 'pass' and res[cand].get(k) != 'pass']
        refusal = reasons.get(prog, '').startswith('!')
        if refusal and row[cand]['rc'] == 0 and row[cand]['fail'] == 0:
            data.setdefault('refused', {})[prog] = len(lost)
            lost = []
            if row[cand]['count'] == 0:  # refused before any assertion: the program passes
                totals[cand]['programs_passing'] += 1
        for k in lost:
            regressions.append((prog, k, res[cand].get(k, 'missing')))
        cand_fails = row[cand]['fail'] > 0 or row[cand]['rc'] != 0
        row['reason'] = reasons.get(prog, 'no reason recorded').lstrip('!') if cand_fails else ''
        if refusal and not cand_fails and row[ref]['rc'] != 0:
            row['reason'] = '(passes: %s)' % reasons[prog].lstrip('!')
        row['lost'] = lost
        rows.append(row)
        data['programs'][prog] = {n: row[n] for n in names}
        data['programs'][prog]['reason'] = row['reason']
        data['programs'][prog]['regressions'] = lost

    def cell(c):
        return '%d/%d/%d%s' % (c['pass'], c['fail'], c['skip'],
                               '' if c['rc'] == 0 else ' (rc %s)' % c['rc'])

    lines = ['| program | ' + ' | '.join(names) + ' | why %s fails |' % cand,
             '|---|' + '---|' * len(names) + '---|']
    for row in rows:
        lines.append('| %s | %s | %s |' % (row['program'], ' | '.join(cell(row[n]) for n in names),
                                           row['reason']))
    lines.append('| **total** | %s | |' % ' | '.join(
        '%d/%d/%d, %d programs pass' % (totals[n]['pass'], totals[n]['fail'], totals[n]['skip'],
                                        totals[n]['programs_passing']) for n in names))
    table = '\n'.join(lines) + '\n'
    legend = ('Cells: assertions passed/failed/skipped (a skip is not a pass), and the '
              "program's exit status when not 0.\n")
    data['totals'] = totals
    if opts['--table']:
        with open(opts['--table'], 'w') as f:
            f.write(legend + '\n' + table)
    if opts['--json']:
        with open(opts['--json'], 'w') as f:
            json.dump(data, f, indent=1, sort_keys=True)
    print(legend + table)
    for n in names:
        t = totals[n]
        print('%s: %d passed, %d failed, %d skipped; %d of %d programs pass fully'
              % (n, t['pass'], t['fail'], t['skip'], t['programs_passing'], len(progs)))
    if regressions:
        print('\n%d assertion(s) %s passes and %s does not (all of them in the json):'
              % (len(regressions), ref, cand))
        by = {}
        for prog, k, st in regressions:
            by.setdefault(prog, []).append('%s: %s' % (st, k))
        for prog, lost in by.items():
            print('  %s: %d, e.g. %s' % (prog, len(lost), '; '.join(lost[:3])))
        print('%s: %d passed, %d failed (%d assertions %s passes)'
              % (cand, totals[cand]['pass'], len(regressions), len(regressions), ref))
        return 1
    print('\nevery assertion %s passes, %s passes too' % (ref, cand))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
