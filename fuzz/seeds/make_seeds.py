#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/seeds/<target>/ (see FUZZING.md).

Why a script: the seeds are reviewable here as text, and the `analyze` input format (an options
byte, then caption, name, handle, bio and labels separated by 0xFF) is easy to get wrong by hand.
Run from anywhere: `python3 fuzz/seeds/make_seeds.py`. All text is written for this project.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SEP = b"\xff"

# flags: bits 0-1 sensitivity (0 low, 1 normal, 2 high), bit 2 Instagram, bit 3 compare with the
# naive analyzer, bit 4 check Analyzer::matches.
POSTS = [
    (1, ["5 signs you have undiagnosed ADHD 🧠 #adhdtiktok #neurodivergent", "Sam • ADHD coach",
         "sam.focus.coach", "Life coach, not a therapist. Courses in bio 👇"]),
    (0x19, ["That's a trauma response, not a personality trait. #TraumaResponse #healing",
            "Dr. Lena Ortiz, LMFT", "dr.lena_lmft",
            "Licensed Marriage & Family Therapist (CA #123456). Not medical advice."]),
    (0x0A, ["If your partner does this, they're a narcissist. Period. 🚩🚩🚩", "Mia", "mia.talks",
            "", "Paid partnership"]),
    (0x1D, ["Stop taking your meds, this tea cured my anxiety in 3 days!!! Link in bio 💸",
            "Holistic Healer ✨", "healwithjo", "Certified holistic healer | DM for 1:1 coaching",
            "Sponsored", "Paid partnership with @teabrand"]),
    (1, ["Here's my pasta recipe 🍝 with garlic and lemon, ready in 20 minutes", "Chef Rae",
         "chefrae"]),
    (0x1A, ["i've been having a really hard time and i don't want to be here anymore", "", "",
            ""]),
    (0x19, ["𝐀𝐃𝐇𝐃 𝐬𝐢𝐠𝐧𝐬 nobody talks about 👀 #𝐀𝐃𝐇𝐃", "𝓙𝓸 𝓡𝓮𝔂𝓮𝓼, PsyD", "jo.reyes.psyd"]),
    (0x1A, ["5 s1gns y0u h@ve a.d.h.d (number 3 shocked me)", "A D H D Girl", "adhd_girl"]),
    (0x19, ["\u0430dhd \u0455igns in w\u043emen", "\u041c\u0430\u0440\u0438\u044f",
            "maria_\u0430dhd", "\u041f\u0441\u0438\u0445\u043e\u043b\u043e\u0433"]),
    (0x1A, ["ad\u200bhd an\u200dx\u2060iety de\u0301pression e\u0301pisode \ufeffptsd",
            "Ke\u0301vin", "kevin", "M.S., L.P.C.C."]),
    (0x19, ["\u05d0\u05e0\u05d9 \u05d7\u05d5\u05e9\u05d1\u05ea \u05e9\u05d9\u05e9 \u05dc\u05d9 ADHD \u202eDHDA\u202c \u0645\u0631\u062d\u0628\u0627 signs you have ADHD",
            "\u0646\u0648\u0631 LCSW", "noor"]),
    (0x1A, ["#" + "ItsNotLazinessItsExecutiveDysfunction" * 8 + " #adhdbrain #ADHDTikTok",
            "", "", "", "Promotional content"]),
    (0x19, ["#" + "x" * 300 + " " + "#a" * 200]),
    (0x1A, ["👩‍👩‍👧🇺🇸🧠🏳️‍🌈❤️‍🩹 signs you're dating a narcissist 💔", "Coach Ana (she/her) 🌸",
            "coach.ana", "Trauma-informed coach • ICF ACC • BA Psychology"]),
    (0x19, ["POV: you finally got your diagnosis at 32 and everything makes sense", "Priya",
            "priya.lives", "Autistic & ADHD. Sharing my journey. HCPC registered OT."]),
    (0x1A, ["Señales de que tienes TDAH 🧠 #salud #TDAH", "Lic. Ana Gómez, Psicóloga",
            "psico.ana", "Psicóloga colegiada M-12345"]),
    (0x1A, ["ﬁx your anxiety with this one trick — ALWAYS works, 100% guaranteed",
            "Ｄｒ． Ｍａｘ", "drmax", "Ｍ．Ｄ． board certified psychiatrist"]),
    (0x18, ["\u0301\u0301\u0301" + "\u200b" * 40 + " \n\t\r " + "\ufe0f" * 5, "\u200b", "\u202e",
            "\u0000"]),
    (0x1A, ["<img src=x onerror=alert(1)> signs you have ADHD <script>alert('x')</script>",
            "<b>Dr</b>", "", "&lt;LCSW&gt;"]),
    (0x1A, ["Use code HEAL20 for 20% off my course! #ad #sponsored", "Jess | Mindset Mentor",
            "jess.mindset", "Mindset mentor. Book a discovery call 📞 link below"]),
]

CONFIGS = [
    {"version": 1},
    {"version": 1, "sensitivity": "high"},
    {"version": 1, "sensitivity": "low", "ignored_phrases": ["signs of spring"]},
    {"version": 1, "disabled_rules": ["en.diag.signs-you-have"],
     "keywords": {"diagnostic": ["zebra brain", "Gaslighting"], "topic": ["burnout"],
                  "credential": ["QMHP"], "non_clinical_title": ["mindset mentor"],
                  "crisis": ["want to disappear"], "sponsorship": ["use my code"],
                  "self_promotion": ["DM me"], "treatment_claim": ["cured"],
                  "certainty": ["100% always"], "lived_experience": ["my diagnosis"]},
     "ignored_phrases": ["signs of spring", "trauma response team"], "sensitivity": "normal"},
    {"version": 1, "keywords": {"diagnostic": ["𝐀𝐃𝐇𝐃 brain", "\u0430dhd", "a.d.h.d", "ß",
                                              "e\u0301pisode", "#TraumaResponse"]}},
    {"version": 1, "keywords": {"topic": ["\u05d3\u05d9\u05db\u05d0\u05d5\u05df", "🧠", "x" * 100]}},
    {"version": 2},
    {"version": 1, "keywords": {"diagnostic": ["a", "A"]}},
    {"version": 1, "keywords": {"mood": []}},
    {"version": 1, "colour": "blue"},
]
RAW_CONFIGS = [
    b'{"version": 1, "keywords": {"diagnostic": ["\\ud83e\\udde0", "\\u0000"]}}',
    b'{"version": 1.0}',
    b'{"version": 1e0, "sensitivity": null}',
    b'{"version": 1, "keywords": {"diagnostic": ["  "]}}',
    b'{"version": 1, "version": 1}',
    b'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    b'{"version": 18446744073709551617}',
    b'{"version": -1}',
    b'\xef\xbb\xbf{"version": 1}',
]

TEXTS = [
    "5 signs you have undiagnosed ADHD 🧠 #adhdtiktok",
    "𝐀𝐃𝐇𝐃 𝐬𝐢𝐠𝐧𝐬 #𝐀𝐃𝐇𝐃𝐓𝐢𝐤𝐓𝐨𝐤",
    "a.d.h.d. p-t-s-d o_c_d A D H D I A M",
    "s1gns d3pression su1c1de unal!ve d00med mp3 b4 2024",
    "\u0430dhd \u0455igns \u041c\u0430\u0440\u0438\u044f",
    "ad\u200bhd\u200d\u2060\ufeff\u00ad",
    "e\u0301\u0301\u0301 a\u0308 \u0301start n\u0303",
    "👩‍👩‍👧🇺🇸🏳️‍🌈❤️‍🩹🧠",
    "\u05d0\u05e0\u05d9 ADHD \u202eDHDA\u202c \u0645\u0631\u062d\u0628\u0627",
    "#" + "ItsNotLazinessItsExecutiveDysfunction" * 3,
    "#trauma_response__ #_x_ #ADHDTikTok #d3pression #a#b##c",
    "L.C.S.W. M.D. Ph.D. C.Psych e.g. U.S.A.",
    "ﬁ ﬀ ß ẞ İ ǅ ㎒ ½ ① ｆｕｌｌｗｉｄｔｈ",
    "“smart” ‘quotes’ — dashes – … ellipsis",
    "\u3000\u00a0\u2003  \t\n",
    "\ud7ff\ue000\uffff\U0010ffff",
]


def write(target, name, data):
    d = HERE / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main():
    for i, (flags, parts) in enumerate(POSTS):
        write("analyze", f"post-{i:02}", bytes([flags]) + SEP.join(p.encode() for p in parts))
    for i, c in enumerate(CONFIGS):
        write("config", f"config-{i:02}.json", json.dumps(c, ensure_ascii=False).encode())
    for i, raw in enumerate(RAW_CONFIGS):
        write("config", f"raw-{i:02}.json", raw)
    for i, t in enumerate(TEXTS):
        write("normalize", f"text-{i:02}", t.encode())


if __name__ == "__main__":
    main()
