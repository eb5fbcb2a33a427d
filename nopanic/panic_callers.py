#!/usr/bin/env python3
"""Lists the functions of an image that still call into core::panicking, with
the source lines of each call (inlined frames included).

Use on the no-panic image built with `--features diagnose` (it defines the
missing symbol so the image links). Needs arm-none-eabi-objdump and addr2line."""
import re,subprocess,sys
E=sys.argv[1]
dis=subprocess.run(['arm-none-eabi-objdump','-d','-C','--no-show-raw-insn',E],capture_output=True,text=True).stdout
cur=None; callers={}
for line in dis.splitlines():
    m=re.match(r'^[0-9a-f]+ <(.*)>:',line)
    if m: cur=m.group(1); continue
    m=re.match(r'^\s*([0-9a-f]+):\s+(b\w*(?:\.w|\.n)?)\s+([0-9a-f]+) <(.*?)(?:\+0x[0-9a-f]+)?>$',line)
    if m and cur!=m.group(4): callers.setdefault(m.group(4),[]).append((cur,m.group(1)))
roots=[f for f in callers if f.startswith('core::panicking::')]
seen=set(); out=set()
def up(f):
    for c,a in callers.get(f,()):
        if c.startswith('core::') or c.startswith('<core::'):
            if c not in seen: seen.add(c); up(c)
        else: out.add((c,a,f))
for r in roots: up(r)
for c,a,f in sorted(out):
    loc=subprocess.run(['addr2line','-e',E,'-i',a],capture_output=True,text=True).stdout.split()
    loc=[l.split('/work/main/')[-1] for l in loc if '/work/main/' in l]
    print(c[:90],'->',f[:60],loc[:2])
