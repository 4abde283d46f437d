#!/usr/bin/env python3
"""barrier-flush-probe.py PID OUT.json SECONDS: the flush metrics of the profile chain of a running `bench live`.

Every half second for SECONDS, reads from Flink's REST API every metric of the "aggregate profiles" chain whose name
contains "flush" (any case): the profile operator's barrierFlushMs / barrierFlushUsers gauges and its earlyFlushes
counter, and the chained profile sink's Kafka producer metrics (flush-time-ns-total), per subtask; writes a row
whenever a value changed. Used for the r15-*-barrier-flush.json and r15-producer-flush-probe-flushes.json files
(README.md; the earlier files were written when it matched "barrierFlush" only, so they lack the other metrics).
"""
import json, sys, time, urllib.request
from flink_rest import get, rest_base, running_jobs
pid = sys.argv[1]; out = sys.argv[2]; secs = float(sys.argv[3])
base = rest_base(pid)
res = []; last = {}; deadline = time.time() + secs
while time.time() < deadline:
    try:
        for j in running_jobs(base):
            jid = j['jid']
            for v in get(base, f'/jobs/{jid}')['vertices']:
                if 'aggregate profiles' not in v['name']:
                    continue
                ids = [m['id'] for m in get(base, f"/jobs/{jid}/vertices/{v['id']}/metrics") if 'flush' in m['id'].lower()]
                if not ids:
                    continue
                vals = get(base, f"/jobs/{jid}/vertices/{v['id']}/metrics?get=" + urllib.request.quote(','.join(ids)))
                d = {x['id']: x['value'] for x in vals}
                if d != last:
                    res.append({'t': time.time(), 'job': j['name'], **d}); last = d
    except Exception:
        pass
    time.sleep(0.5)
json.dump(res, open(out, 'w'), indent=0)
