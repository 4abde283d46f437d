#!/usr/bin/env python3
"""checkpoint-probe.py PID OUT.json SECONDS: the per-operator checkpoint statistics of a running `bench live`.

Finds the REST port the JVM PID listens on (`ss -ltnp`), then for SECONDS polls Flink's REST API and writes, for each
completed checkpoint of the running job: its end-to-end ms and, per operator chain (vertex id's first 8 characters,
names under "names"), the longest synchronous part, asynchronous part, alignment, start delay and end-to-end ms over
its subtasks. Used for the r14-*-checkpoints-by-operator.json files (README.md); `bench live` itself keeps only the
slowest subtask over all operators (latency.checkpoints_in_window).
"""
import json, sys, time
from flink_rest import get, rest_base, running_jobs
pid = sys.argv[1]; out = sys.argv[2]
base = rest_base(pid)
print('rest', base, flush=True)
res = {}
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline:
    try:
        for j in running_jobs(base):
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
