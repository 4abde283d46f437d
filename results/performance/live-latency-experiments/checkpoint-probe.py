#!/usr/bin/env python3
"""checkpoint-probe.py PID OUT.json SECONDS: the per-operator checkpoint statistics of a running `bench live`.

Finds the REST port the JVM PID listens on (`ss -ltnp`), then for SECONDS polls Flink's REST API and writes, for each
completed checkpoint of the running job: its end-to-end ms and, per operator chain (vertex id's first 8 characters,
names under "names"), the longest synchronous part, asynchronous part, alignment, start delay and end-to-end ms over
its subtasks. Used for the r14-*-checkpoints-by-operator.json files (README.md); `bench live` itself keeps only the
slowest subtask over all operators (latency.checkpoints_in_window).
"""
import json, subprocess, sys, time, urllib.request, re
pid = sys.argv[1]; out = sys.argv[2]
def ports():
    o = subprocess.run(['ss','-ltnp'],capture_output=True,text=True).stdout
    return sorted(set(int(m.group(1)) for l in o.splitlines() if f'pid={pid},' in l for m in [re.search(r':(\d+)\s', l)] if m))
def get(base, p):
    return json.load(urllib.request.urlopen(base+p, timeout=5))
base=None
for _ in range(60):
    for p in ports():
        try:
            get(f'http://127.0.0.1:{p}', '/jobs/overview'); base=f'http://127.0.0.1:{p}'; break
        except Exception: pass
    if base: break
    time.sleep(2)
print('rest', base, flush=True)
res = {}
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline:
    try:
        jobs=[j for j in get(base,'/jobs/overview')['jobs'] if j['state']=='RUNNING']
        for j in jobs:
            jid=j['jid']; cps=get(base,f'/jobs/{jid}/checkpoints')
            for c in cps.get('history',[]):
                if c['status']!='COMPLETED' or str(c['id']) in res: continue
                d=get(base,f"/jobs/{jid}/checkpoints/details/{c['id']}")
                r={'trigger':c['trigger_timestamp'],'e2e':c['end_to_end_duration'],'vertices':{}}
                for vid,t in d['tasks'].items():
                    s=get(base,f"/jobs/{jid}/checkpoints/details/{c['id']}/subtasks/{vid}")
                    subs=s['subtasks']
                    def mx(f):
                        return max((f(x) for x in subs if x.get('status')=='completed'), default=None)
                    r['vertices'][vid[:8]]={'e2e':t['end_to_end_duration'],
                      'sync':mx(lambda x:x['checkpoint']['sync']),'async':mx(lambda x:x['checkpoint']['async']),
                      'align':mx(lambda x:x['alignment']['duration']),'delay':mx(lambda x:x['start_delay']),
                      'size':t.get('state_size')}
                res[str(c['id'])]=r
            vs=get(base,f'/jobs/{jid}')['vertices']
            res['names']={v['id'][:8]:v['name'][:60] for v in vs}
    except Exception as e:
        import traceback; traceback.print_exc()
    json.dump(res,open(out,'w'),indent=1)
    time.sleep(3)
