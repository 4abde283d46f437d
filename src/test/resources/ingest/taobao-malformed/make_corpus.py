#!/usr/bin/env python3
"""Writes the malformed-input corpus: two Taobao-format CSV files mixing synthetic valid rows (made-up ids, so no
Taobao data is redistributed) with every kind of malformed line, and for each a .expected file listing the line number
and reason code of every malformed line. Deterministic (fixed seed). Run from this folder: python3 make_corpus.py

The tests read the corpus with ParseLimits reference time 1700000000000 ms (2023-11-14T22:13:20Z), future skew 1 day,
and a reader line limit of 4096 bytes."""
import random

rnd = random.Random(20171126)
beh = ['pv'] * 12 + ['cart', 'fav', 'buy']


def valid():
    return (f"{rnd.randint(1, 60)},{rnd.randint(1, 5000)},{rnd.randint(1, 40)},{rnd.choice(beh)},"
            f"{rnd.randint(1511658000, 1511665811)}").encode()


bad = [
    (b"", "empty"),
    (b"   \t ", "empty"),
    (b"1,2,3,pv", "column_count"),
    (b"543462,1715,146", "column_count"),  # a row cut mid-way
    (b"1,2,3,pv,1511658000,extra", "column_count"),
    (b"1;2;3;pv;1511658000", "column_count"),
    (b'{"user":"1","item":"2","category":"3","behavior":"pv","timestamp":1511658000000}', "not_a_number"),
    (b"abc,2,3,pv,1511658000", "not_a_number"),
    (b"1,x2,3,pv,1511658000", "not_a_number"),
    (b"1,2,3.5,pv,1511658000", "not_a_number"),
    (b"-1,2,3,pv,1511658000", "not_a_number"),
    (b" 1,2,3,pv,1511658000", "not_a_number"),
    (b"1,2,3,pv,12:00", "not_a_number"),
    (b"1,2,3,pv,1511658000.5", "not_a_number"),
    (b"1,2,3,pv,99999999999999999999", "not_a_number"),
    (b"1,2,3,pv,15116\x0058000", "not_a_number"),
    (b"1,2,\xe4\xb8\xad\xe6\x96\x87,pv,1511658000", "not_a_number"),  # valid UTF-8, not a number
    (b"1,,3,pv,1511658000", "missing_field"),
    (b"1,2,3,,1511658000", "missing_field"),
    (b"1,2,3,pv,", "missing_field"),
    (b"1,2,3,pv,-5", "negative_timestamp"),
    (b"1,2,3,pv,4102444800", "future_timestamp"),  # 2100-01-01
    (b"1,2,3,pv,1700172800", "future_timestamp"),  # reference + 2 days, over the 1-day skew
    (b"1,2,3,like,1511658000", "unknown_behavior"),
    (b"1,2,3,PV,1511658000", "unknown_behavior"),
    (b"1,2,3,pvv,1511658000", "unknown_behavior"),
    (("9" * 300 + ",2,3,pv,1511658000").encode(), "oversized_field"),
    (b"1,2,3\xff,pv,1511658000", "bad_utf8"),
    (b"1,2,3,p\xc0\xafv,1511658000", "bad_utf8"),  # overlong encoding of '/'
    (b"1,2,3,pv,1511658000\xe2\x82", "bad_utf8"),  # cut 3-byte sequence
    (b"\xed\xa0\x80,2,3,pv,1511658000", "bad_utf8"),  # encoded surrogate
    (b"1,2,3,pv," + b"1" * 5000, "oversized_record"),  # over the 4096-byte line limit
]
# valid lines near the edges: inside the future skew, timestamp 0, a CRLF ending
edge = [b"7,8,9,buy,1700050000", b"7,8,10,pv,0", b"11,12,13,cart,1511658000\r"]

for part, badlines, extra in (("part-1.csv", bad, edge), ("part-2.csv", bad[::2], [])):
    rows = [valid() for _ in range(150)] + extra + list(badlines)
    rnd.shuffle(rows)
    out, exp = bytearray(), []
    for i, row in enumerate(rows, 1):
        if isinstance(row, tuple):
            out += row[0] + b"\n"
            exp.append(f"{i}\t{row[1]}")
        else:
            out += row + b"\n"
    with open(part, "wb") as f:
        f.write(bytes(out))
    with open(part.replace(".csv", ".expected"), "w") as f:
        f.write(f"# line<TAB>reason code of every malformed line of {part}\n" + "\n".join(exp) + "\n")
