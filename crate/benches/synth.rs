//! A deterministic corpus of generated posts of realistic length (caption ~300 characters, bio ~150),
//! one in five about mental health, shared by the benchmarks and `examples/synth_corpus.rs`.

use check_source::post::{Author, Platform, Post};

/// xorshift64*: deterministic across machines, no dependency.
pub struct Rng(u64);

impl Rng {
    /// A generator from a fixed seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// One item of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const MH_HOOKS: &[&str] = &[
    "5 signs you have undiagnosed ADHD that nobody talks about",
    "If you always apologise, that's a trauma response 💔",
    "Your partner is a covert narcissist if they do this 🚩",
    "Take this quick autism quiz, comment your score below",
    "This one supplement cured my anxiety in 3 days #ad use code CALM20",
    "Things people with BPD do without realising",
    "My ADHD diagnosis story: waitlists, forms and finally an answer",
    "Box breathing helped me through a panic attack today, try it with me",
    "You're not lazy, you have executive dysfunction. Always.",
    "POV: you find out your shyness was social anxiety all along",
];
const OTHER_HOOKS: &[&str] = &[
    "Easy weeknight pasta with roasted tomatoes and garlic 🍝",
    "Signs your car battery is dying and how to test it",
    "This beat is toxic 🔥 new drop out now",
    "Depression-era chocolate cake, no eggs no butter",
    "Leg day PR, feeling unstoppable 🏋️",
    "OCD-satisfying restock of the pantry, all labelled",
    "Sunset hike with the dog, best day of the summer",
    "Thrift haul: vintage denim and a lamp I didn't need",
];
const FILLER: &[&str] = &[
    "honestly",
    "this took me years to figure out",
    "save this for later",
    "link below",
    "share with a friend who needs it",
    "part 2 tomorrow",
    "what do you think?",
    "let me know",
    "we've all been there",
    "🙂",
    "✨",
    "💛",
    "and that's okay",
    "tell me in the comments",
];
const TAGS: &[&str] = &[
    "#fyp",
    "#foryou",
    "#viral",
    "#adhdtiktok",
    "#mentalhealth",
    "#healing",
    "#recipe",
    "#cars",
    "#gym",
    "#music",
    "#TraumaResponse",
    "#selfcare",
    "#tips",
    "#storytime",
];
const NAMES: &[&str] = &[
    "Mara",
    "Dee Lawson, LCSW",
    "Rio | Mindset Coach",
    "Dr. Aaron Hale",
    "Sam",
    "Vera",
    "Priya",
    "Liv Moreno, LMFT",
    "Andy",
];
const BIOS: &[&str] = &[
    "plant mom 🌿 | NYC | coffee first, then everything else. Sharing the little things that make life easier",
    "Licensed clinical social worker • Illinois • talking about anxiety, boundaries and burnout in plain words",
    "NLP practitioner • life coach • DM 'HEAL' to book your breakthrough call ✨ spots limited this month",
    "mechanic for 20 years 🔧 fixing what dealers won't tell you about. New videos every Tuesday and Friday",
    "antique dealer, glass collector, flea market regular. Shipping worldwide from my little shop in Ohio",
];

/// One generated post; about mental health when `i % 5 == 0`.
pub fn post(rng: &mut Rng, i: usize) -> Post {
    let hook = if i % 5 == 0 {
        rng.pick(MH_HOOKS)
    } else {
        rng.pick(OTHER_HOOKS)
    };
    let mut caption = String::with_capacity(320);
    caption.push_str(hook);
    while caption.len() < 260 {
        caption.push(' ');
        caption.push_str(rng.pick(FILLER));
        if rng.next_u64() % 3 == 0 {
            caption.push('.');
        }
    }
    for _ in 0..3 {
        caption.push(' ');
        caption.push_str(rng.pick(TAGS));
    }
    Post {
        id: Some(format!("p{i}")),
        platform: if i % 2 == 0 {
            Platform::Tiktok
        } else {
            Platform::Instagram
        },
        caption,
        author: Author {
            handle: Some(format!("creator.{}", rng.next_u64() % 1000)),
            name: Some(rng.pick(NAMES).to_string()),
            bio: Some(rng.pick(BIOS).to_string()),
        },
        labels: if rng.next_u64() % 20 == 0 {
            vec!["Paid partnership".into()]
        } else {
            vec![]
        },
    }
}

/// `n` posts from a fixed seed.
pub fn corpus(n: usize) -> Vec<Post> {
    let mut rng = Rng::new(0x5eed_c0de);
    (0..n).map(|i| post(&mut rng, i)).collect()
}
