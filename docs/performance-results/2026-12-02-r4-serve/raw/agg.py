import sys, re, collections
text = open(sys.argv[1]).read()
events = text.split("jdk.ExecutionSample {")[1:]
top = collections.Counter(); incl = collections.Counter()
pat = sys.argv[2] if len(sys.argv) > 2 else None
n = 0
for e in events:
    frames = re.findall(r"^\s+([\w$.<>/]+)\(.*?line: \d+", e, re.M)
    if not frames: continue
    th = re.search(r'sampledThread = "([^"]+)"', e)
    if th and not th.group(1).startswith("writ-http"): continue
    n += 1
    top[frames[0]] += 1
    seen = set()
    for f in frames:
        if f not in seen:
            incl[f] += 1; seen.add(f)
print("samples", n)
print("== top frames")
for f, c in top.most_common(40): print("%5.1f%% %s" % (100*c/n, f))
print("== inclusive")
for f, c in incl.most_common(120):
    if pat is None or re.search(pat, f): print("%5.1f%% %s" % (100*c/n, f))
