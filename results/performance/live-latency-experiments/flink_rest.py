"""What the probe scripts of this folder share: finding the REST API of a running `bench live` JVM and reading it."""
import json, re, subprocess, time, urllib.request


def get(base, path):
    return json.load(urllib.request.urlopen(base + path, timeout=5))


def rest_base(pid, attempts=60):
    """http://127.0.0.1:PORT of the Flink REST API the JVM PID listens on (`ss -ltnp`), waiting for it to come up."""
    for _ in range(attempts):
        out = subprocess.run(['ss', '-ltnp'], capture_output=True, text=True).stdout
        ports = sorted(set(int(m.group(1)) for line in out.splitlines() if f'pid={pid},' in line
                           for m in [re.search(r':(\d+)\s', line)] if m))
        for p in ports:
            try:
                get(f'http://127.0.0.1:{p}', '/jobs/overview')
                return f'http://127.0.0.1:{p}'
            except Exception:
                pass
        time.sleep(2)
    return None


def running_jobs(base):
    return [j for j in get(base, '/jobs/overview')['jobs'] if j['state'] == 'RUNNING']
