#!/usr/bin/env python3
"""Writes the hostile world used by the hostile-input tests: ids, names and categories full of terminal
control sequences, bidi overrides and wide characters; instants at both ends of years 0001..9999 and at the
int64-nanosecond edges; a program from 0001-01-01 to 9999-12-31; duplicates (the tests add a 1 MB event id) and conflicts.
Run it again only to change the world: the tests read the files it writes."""
import json, os

here = os.path.dirname(os.path.abspath(__file__))
ESC, BEL, CSI8 = "\u001b", "\u0007", "\u009b"
HOSTILE = [
    "x-" + ESC + "]0;pwned" + BEL,      # retitles the terminal
    "mood" + ESC + "[2J",               # clears the screen
    "\u202egnp.exe",                    # right-to-left override
    "a\b\bb\r\nc",                      # backspaces, carriage return, newline
    CSI8 + "31mred",                    # C1 control sequence introducer
    "del\u007f",                        # DEL
    "日本語の報酬",                      # wide characters
    "zw\u200bj\u2066iso\u2069\u200e",   # zero width space, isolates, LRM
]

catalog = {
    "incentives": [
        {"id": "log-3" + ESC + "[31m", "name": "Log 3 days " + ESC + "]0;pwned" + BEL + " 日本",
         "kind": "streak", "event": "health_data_logged", "days": 3},
        {"id": "mood-2-of-4\u202e", "name": "\u202emood 2 of 4",
         "kind": "days_in_window", "event": "health_data_logged", "days": 2, "window": 4,
         "categories": ["mood" + ESC + "[2J", "symptom"]},
        {"id": "birth" + CSI8, "name": "Birth\r\n" + ESC + "[?1049l", "kind": "single", "event": "birth_reported"},
    ],
    "employers": [
        {"id": "acme" + ESC + "[2J", "name": "Acme \u202eCorp 日本", "programs": [
            {"id": "forever" + BEL, "name": "Open-ended " + ESC + "[?1049l",
             "starts": "0001-01-01", "ends": "9999-12-31", "rewards": [
                {"incentive": "log-3" + ESC + "[31m", "reward": "枕 " + ESC + "[2J pillow", "limit": 3},
                {"incentive": "mood-2-of-4\u202e", "reward": "$5 \u202ecard", "limit": 2},
                {"incentive": "birth" + CSI8, "reward": "Gift\b\bcard"},
            ]},
        ]},
    ],
}

zones = ["Etc/UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Chicago", "Asia/Tokyo"]
users = [h + "-" + str(i) for i, h in enumerate(HOSTILE)]
roster = [{"id": u, "employer": "acme" + ESC + "[2J", "timezone": zones[i % len(zones)], "eligibleFrom": "0001-01-01"}
          for i, u in enumerate(users)]
roster.append({"id": "nobody" + ESC + "[2J", "employer": None, "timezone": "Etc/UTC", "eligibleFrom": "0001-01-01"})

# Three consecutive days at each era: the first days of year 1, either side of the int64-nanosecond
# range's ends, and the last days of year 9999 (which are year 10000 somewhere east of UTC).
eras = [
    ["0001-01-01T00:00:00Z", "0001-01-02T12:00:00Z", "0001-01-03T23:59:59.999999999Z"],
    ["1677-09-19T00:12:43.145224191Z", "1677-09-20T00:12:43.145224192Z", "1677-09-21T00:12:43.145224191Z"],
    ["2262-04-10T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z", "2262-04-12T23:47:17Z"],
    ["9999-12-29T00:00:00Z", "9999-12-30T12:00:00Z", "9999-12-31T23:59:59.999999999Z"],
    ["0001-01-05T00:00:00+14:00", "0001-01-05T23:00:00-11:00", "9999-12-31T23:59:59-23:59"],
]
events = []
for i, u in enumerate(users):
    for e, era in enumerate(eras):
        for d, at in enumerate(era):
            cat = ["mood" + ESC + "[2J", "sleep", "symptom"][d % 3]
            events.append({"id": HOSTILE[(i + e + d) % len(HOSTILE)] + f"/{i}/{e}/{d}", "type": "health_data_logged",
                           "user": u, "at": at, "category": cat})
    events.append({"id": f"birth-{i}" + ESC + "[2J", "type": "birth_reported", "user": u, "at": "2262-04-11T23:47:17Z"})

# Emoji sequences held together by joiners and tags (issue 21): one character to Swift, several cells to ncurses
# and the terminal. Users of their own (appended, so the rest of the world is as before), with three days logged
# in 2026 (an award) under event ids made of them too.
JOINED = [
    "fam-\U0001F469\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",   # family: ZWJ sequence
    "flag-\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",  # Scotland: tag sequence
    "zwnj-a\u200cb-\U0001F9D1\u200d\U0001F4BB",                      # ZWNJ, and a ZWJ profession
]
for j, u in enumerate(JOINED):
    roster.append({"id": u, "employer": "acme" + ESC + "[2J", "timezone": "Etc/UTC", "eligibleFrom": "0001-01-01"})
    for d in range(3):
        events.append({"id": JOINED[(j + d) % len(JOINED)] + f"/{j}/{d}", "type": "health_data_logged", "user": u,
                       "at": f"2026-03-0{d + 1}T12:00:00Z", "category": "sleep"})

resent = list(events[:6])                                          # duplicates: the same content again
conflict = dict(events[3]); conflict["at"] = "2262-04-11T23:47:17.000000001Z"   # same id, another instant
bad = [
    {"id": "bad-type", "type": "steps" + ESC + "[2J" + ESC + "]0;pwned" + BEL, "user": users[1], "at": "2026-01-01T00:00:00Z"},
    {"id": "bad-user", "type": "birth_reported", "user": "ghost" + ESC + "[2J\u202e", "at": "2026-01-01T00:00:00Z"},
    {"id": "bad-at", "type": "birth_reported", "user": users[2], "at": "10000-01-01T00:00:00Z"},
    {"id": "no-offset", "type": "birth_reported", "user": users[2], "at": "2026-01-01T00:00:00"},
]
nobody = {"id": "nobody-log", "type": "health_data_logged", "user": "nobody" + ESC + "[2J", "at": "2262-04-11T23:47:17Z", "category": "mood"}

def dump(path, rows):
    with open(os.path.join(here, path), "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=True) + "\n")

with open(os.path.join(here, "catalog.json"), "w") as f:
    json.dump(catalog, f, ensure_ascii=True, indent=2)
dump("roster.jsonl", roster)
dump("events.jsonl", events + resent + [conflict] + bad + [nobody])
