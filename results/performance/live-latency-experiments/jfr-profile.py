"""Where a bench live JVM allocates and spends its CPU, from a JFR recording.

Usage: python3 jfr-profile.py FILE.jfr [THREAD_PREFIX]

The recording is made with CROSS_INTEREST_JAVA_OPTS="-Xms4g -XX:StartFlightRecording=filename=FILE.jfr,settings=profile"
on `bin/cross-interest bench live --phases latency ...` (the whole run: start-up, warm-up and the measured minute).
Prints the sampled allocation (jdk.ObjectAllocationSample, by weight) by the first three project frames of its stack and
by thread, then the CPU samples (jdk.ExecutionSample: Java code only, not native BLAS) by thread and, for the threads
whose name starts with THREAD_PREFIX (default: the scoring chain), by top frame.
"""
import collections
import json
import subprocess
import sys


def events(path, kind, depth):
    out = subprocess.run(['jfr', 'print', '--json', '--events', kind, '--stack-depth', str(depth), path],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)['recording']['events']


def frames(event):
    trace = event['values'].get('stackTrace') or {}
    return [f['method']['type']['name'].split('/')[-1] + '.' + f['method']['name'] for f in trace.get('frames', [])]


def thread(event, field):
    return (event['values'].get(field) or {}).get('javaName', '?')


def show(title, counter, total, n=15):
    print('==', title)
    for key, w in counter.most_common(n):
        print(f'{100 * w / total:5.1f}%  {key}')


def main():
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else 'encode + joint scoring'
    by_frames, by_thread, total = collections.Counter(), collections.Counter(), 0
    for e in events(path, 'jdk.ObjectAllocationSample', 30):
        w = e['values']['weight']
        total += w
        trace = e['values'].get('stackTrace') or {}
        full = [f['method']['type']['name'] for f in trace.get('frames', [])]
        ours = [f for f, t in zip(frames(e), full) if 'crossinterest' in t]
        by_frames[' < '.join(ours[:3]) if ours else '(no project frame) ' + ' < '.join(frames(e)[:3])] += w
        by_thread[thread(e, 'eventThread')[:60]] += w
    print(f'allocation sampled: {total / 1e9:.1f} GB (weights of jdk.ObjectAllocationSample)')
    show('allocation by project frames', by_frames, total)
    show('allocation by thread', by_thread, total, 8)
    cpu = events(path, 'jdk.ExecutionSample', 40)
    by_thread, top = collections.Counter(), collections.Counter()
    chosen = 0
    for e in cpu:
        name = thread(e, 'sampledThread')
        by_thread[name[:60]] += 1
        if name.startswith(prefix):
            chosen += 1
            top[(frames(e) or ['?'])[0]] += 1
    show(f'CPU samples by thread ({len(cpu)} samples)', by_thread, len(cpu), 8)
    show(f'CPU samples of "{prefix}*" by top frame ({chosen} samples)', top, max(chosen, 1), 10)


if __name__ == '__main__':
    main()
