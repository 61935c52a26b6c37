"""Synthetic people: rows shaped like Scotland's people on Self-directed Support, with no real
person's data in them.

Pure row generation: nothing here touches the database or imports a model (the values are
the ``people.models`` choices; ``tests/demo/test_synthetic.py`` checks they still are).
``PeopleGenerator`` takes a seed (an ``int`` or a ``random.Random``) and an authority
(anything with ``code`` and ``country`` attributes) and yields ``Person`` field dicts, each
with two extra keys (``ROW_EXTRA_KEYS``):
``sex`` (used for names, the CHI sex digit and tests; not a ``Person`` field) and
``communication_needs``, a list of ``(kind, detail)`` pairs for ``CommunicationNeed`` rows.
The same seed, authority, ``today`` and ``taken_identifiers`` give the same rows.

What keeps the data synthetic:

* names are drawn from Faker's en_GB name lists (plus common Scottish surnames for Scottish
  authorities), combined at random;
* phone numbers are only in Ofcom's ranges reserved for TV and radio drama, which are never
  allocated to anyone (07700 900000-900999, 0131 496 0000-0999, ...; ``DRAMA_PHONE_RANGES``);
* emails are only at example.com and example.org (reserved by RFC 2606);
* NHS numbers (England) are in the 999 000 0000-999 999 9999 range, which the NHS keeps for
  test data and does not issue to patients; CHI numbers (Scotland) have no reserved test range, so they are
  valid numbers built from the synthetic date of birth (and may coincide with a real number,
  never with the real person's other details);
* postcodes use the real outward codes of the authority's area (so maps and searches look
  right) with a random inward code; house numbers are random and street names random
  pairings of a surname and a suffix ("Barrett Avenue"), not a real address list.

All the weights are in the tables below, each with its source: published Public Health
Scotland figures where they exist, stated assumptions where they do not.
"""

from __future__ import annotations

import bisect
import itertools
import random
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from selfdirect.core import clock
from selfdirect.people.validators import mod11_check_digit

__all__ = [
    "AGE_BANDS",
    "CLIENT_GROUPS_BY_BAND",
    "COMMUNICATION_NEEDS",
    "DRAMA_PHONE_RANGES",
    "FEMALE_SHARE_BY_BAND",
    "NEED_SHARE",
    "ROW_EXTRA_KEYS",
    "PeopleGenerator",
    "age_band",
    "area_for",
    "generate_people",
    "iter_people",
    "summarise",
]

T = TypeVar("T")

# ==============================================================================================
# The weights. Every distribution the generator draws from is in this section.
# Paths are relative to the shared folder beside the project: shared/data/published/ (see its
# SOURCES.md). PHS = Public Health Scotland, "Insights in social care: statistics for Scotland".
# ==============================================================================================

# Age bands: (label, youngest, oldest, people). People supported through SDS in Scotland,
# 2020/21: the "Any SDS" counts, basis non_exclusive, Scotland (All Areas Submitted), in
# shared/data/published/sds_options_by_age_scotland.csv (PHS 2019/20-2020/21 SDS release;
# the 100 people of unknown age are left out). Most are 65 or over (72%), the 85+ group is
# the largest (31%), 27% are 18-64 and under 2% are children. The oldest age, 104, is our cap.
AGE_BANDS: tuple[tuple[str, int, int, int], ...] = (
    ("0-17", 0, 17, 1585),
    ("18-64", 18, 64, 24835),
    ("65-74", 65, 74, 12650),
    ("75-84", 75, 84, 24920),
    ("85+", 85, 104, 29000),
)
# Within 85+, each extra year of age is this much less common (an assumption: no single-year
# figures are published). 0.82 puts about half the group at 85-88 and few over 100.
OLDEST_BAND_YEARLY_DECAY = 0.82

# Main client group by age band. PHS counts of SDS people by client group, Scotland (All Areas
# Submitted), 2020/21, from shared/data/published/sds_profile_scotland.csv (dimension
# client_group; column people). A person may be in several published groups; the generator
# gives each person one main group with these counts as weights, so within each age band the
# groups keep the published proportions.
# Columns: dementia, elderly/frail, learning disability, mental health, physical and sensory,
# other.
_PUBLISHED_GROUPS = ("dementia", "elderly_frail", "learning_disability", "mental_health",
                     "physical_sensory", "other")
CLIENT_GROUPS_BY_BAND: dict[str, tuple[int, ...]] = {
    "0-17": (0, 5, 285, 40, 350, 500),
    "18-64": (220, 1465, 10275, 4885, 8405, 6725),
    "65-74": (655, 5750, 1115, 1315, 4585, 2280),
    "75-84": (2145, 14570, 365, 860, 7370, 3045),
    "85+": (2330, 18360, 45, 440, 8925, 2875),
}
# PHS's "Other" covers drugs, alcohol, palliative care, carer, neurological conditions other
# than dementia, autism and other vulnerable groups, with no published split. The split below
# is an assumption (autism dominant among children, neurological and palliative among older
# people); percentages of "Other" in each age range.
OTHER_SPLIT_BY_BAND: dict[str, dict[str, int]] = {
    "0-17": {"autism": 60, "other_vulnerable": 25, "neurological": 10, "palliative": 5},
    "18-64": {"autism": 25, "neurological": 20, "other_vulnerable": 16, "drugs": 12,
              "alcohol": 12, "carer": 10, "palliative": 5},
    "65-74": {"neurological": 30, "palliative": 22, "other_vulnerable": 18, "carer": 15,
              "alcohol": 10, "drugs": 3, "autism": 2},
    "75-84": {"neurological": 30, "palliative": 30, "other_vulnerable": 20, "carer": 15,
              "alcohol": 5},
    "85+": {"palliative": 40, "neurological": 25, "other_vulnerable": 25, "carer": 10},
}

# Share of women by age band. 85+: PHS, people supported 2022/23, "71% of people aged 85+
# receiving support were female" (quoted in shared/data/published/SOURCES.md). The other bands
# are assumptions chosen so the overall share is near PHS's 2022/23 rates (605.8 female
# against 389.4 male per 1,000, about 61% women): more boys among children (learning
# disability and autism), about even among working-age adults.
FEMALE_SHARE_BY_BAND: dict[str, float] = {
    "0-17": 0.36, "18-64": 0.48, "65-74": 0.55, "75-84": 0.62, "85+": 0.71,
}

# Contact details by age band (assumptions): share with an email address; share whose phone
# is a mobile, a landline or none (children's contact usually goes through a parent).
EMAIL_SHARE_BY_BAND: dict[str, float] = {
    "0-17": 0.0, "18-64": 0.65, "65-74": 0.45, "75-84": 0.25, "85+": 0.10,
}
PHONE_BY_BAND: dict[str, dict[str, int]] = {  # mobile / landline / none
    "0-17": {"mobile": 30, "landline": 0, "none": 70},
    "18-64": {"mobile": 85, "landline": 10, "none": 5},
    "65-74": {"mobile": 60, "landline": 37, "none": 3},
    "75-84": {"mobile": 40, "landline": 55, "none": 5},
    "85+": {"mobile": 25, "landline": 65, "none": 10},
}
# How the person prefers to be contacted (assumptions). A preference the person cannot use
# (email without an address, text without a mobile) is dropped before drawing.
CONTACT_BY_BAND: dict[str, dict[str, int]] = {
    "0-17": {"representative": 60, "phone": 15, "text": 10, "letter": 15},
    "18-64": {"phone": 30, "text": 25, "email": 20, "letter": 10, "face_to_face": 8,
              "video": 2, "representative": 5},
    "65-74": {"phone": 40, "text": 12, "email": 10, "letter": 20, "face_to_face": 10,
              "video": 1, "representative": 7},
    "75-84": {"phone": 42, "text": 5, "email": 5, "letter": 25, "face_to_face": 10,
              "representative": 13},
    "85+": {"phone": 35, "text": 2, "email": 2, "letter": 25, "face_to_face": 12,
            "representative": 24},
}
# A Deaf BSL user is contacted by video relay, text, email or in person, never by voice call.
BSL_CONTACT: dict[str, int] = {"video": 40, "text": 30, "email": 20, "face_to_face": 10}

# Communication and access needs (assumptions: no published national figures). NEED_SHARE of
# people have at least one need; the first is drawn with the weights below (times
# EASY_READ_AFFINITY for a person with a learning disability or autism and LARGE_PRINT_AFFINITY
# for a person aged 75+); then SECOND_NEED_SHARE get a second, different need. Half of BSL
# users also need face-to-face meetings only.
NEED_SHARE = 0.12
SECOND_NEED_SHARE = 0.25
BSL_FACE_TO_FACE_SHARE = 0.5
EASY_READ_AFFINITY = 4
LARGE_PRINT_AFFINITY = 2
COMMUNICATION_NEEDS: dict[str, tuple[int, tuple[str, ...]]] = {
    # kind: (weight, the details to choose from; "" = no detail recorded)
    "large_print": (26, ("", "16 point or larger", "Large print on yellow paper")),
    "someone_present": (18, ("Their daughter", "Their son", "Their partner", "Their advocate",
                             "A family member", "Their support worker")),
    "easy_read": (16, ("", "Easy read with pictures", "Short sentences, one idea at a time")),
    "cannot_write": (14, ("Cannot hold a pen", "Tremor: cannot sign forms",
                          "Record agreement by voice, never ask for a signature")),
    "interpreter": (12, ()),  # the detail is the language: INTERPRETER_LANGUAGES
    "face_to_face_only": (8, ("", "No phone calls", "Meetings at home only")),
    "bsl_interpreter": (6, ("", "BSL/English interpreter at every meeting")),
}
# Languages for spoken-language interpreting (assumptions, loosely after the main languages
# other than English in each country's census).
INTERPRETER_LANGUAGES: dict[str, dict[str, int]] = {
    "scotland": {"Polish": 25, "Urdu": 12, "Punjabi": 10, "Arabic": 10, "Mandarin": 8,
                 "Cantonese": 8, "Romanian": 7, "Bengali": 5, "Lithuanian": 5,
                 "Scottish Gaelic": 3, "Ukrainian": 7},
    "england": {"Urdu": 20, "Polish": 15, "Arabic": 12, "Punjabi": 8, "Bengali": 8,
                "Romanian": 8, "Cantonese": 6, "Mandarin": 6, "Somali": 6, "Kurdish": 5,
                "Portuguese": 6},
}

# A few people go by a shorter name (assumption: 40% of people whose name has a usual short
# form use it).
PREFERRED_NAME_SHARE = 0.4
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Billy", "Willie"), "Margaret": ("Maggie", "Peggy", "Rita"),
    "Elizabeth": ("Betty", "Liz", "Beth"), "James": ("Jim", "Jimmy", "Jamie"),
    "Robert": ("Bob", "Rab", "Robbie"), "Catherine": ("Kate", "Cathy"),
    "Alexander": ("Sandy", "Alex", "Eck"), "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",), "Jennifer": ("Jenny",), "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue", "Susie"), "Joseph": ("Joe",), "Michael": ("Mike", "Mick"),
    "Anthony": ("Tony",), "Deborah": ("Debbie",), "Rebecca": ("Becky",),
    "Victoria": ("Vicky",), "Samuel": ("Sam",), "Daniel": ("Danny",), "Edward": ("Ted", "Eddie"),
    "Kenneth": ("Ken", "Kenny"), "Francis": ("Frank",), "Dorothy": ("Dot", "Dottie"),
}

# Faker's first names are modern; people born before about 1955 mostly have names that were
# common then (assumption: CLASSIC_NAME_SHARE of people aged CLASSIC_NAME_AGE or more take one
# of these, the rest a Faker name). Common names, not anyone's record.
CLASSIC_NAME_AGE = 70
CLASSIC_NAME_SHARE = 0.6
CLASSIC_NAMES: dict[str, tuple[str, ...]] = {
    "female": ("Margaret", "Mary", "Elizabeth", "Jean", "Helen", "Agnes", "Isabella",
               "Catherine", "Janet", "Annie", "Christina", "Joan", "Dorothy", "Irene", "Doris",
               "Betty", "Sheila", "Patricia", "Joyce", "Eileen", "Marion", "Elsie", "Moira",
               "Nancy", "Violet", "Jessie", "Rose", "Edith", "Winifred", "Evelyn"),
    "male": ("John", "James", "William", "Robert", "George", "Thomas", "David", "Alexander",
             "Andrew", "Peter", "Kenneth", "Donald", "Ronald", "Hugh", "Archibald", "Walter",
             "Frederick", "Albert", "Harold", "Norman", "Ernest", "Stanley", "Leonard",
             "Douglas", "Ian", "Arthur", "Francis", "Edward", "Joseph", "Charles"),
}

# Common Scottish surnames, mixed in for Scottish authorities at SCOTTISH_SURNAME_SHARE (the
# Faker en_GB list is English-leaning). These are common names, not anyone's record.
SCOTTISH_SURNAME_SHARE = 0.35
SCOTTISH_SURNAMES: tuple[str, ...] = (
    "Smith", "Brown", "Wilson", "Campbell", "Stewart", "Thomson", "Robertson", "Anderson",
    "MacDonald", "Scott", "Reid", "Murray", "Taylor", "Clark", "Ross", "Watson", "Morrison",
    "Paterson", "Young", "Mitchell", "Walker", "Fraser", "Miller", "McDonald", "Gray",
    "Henderson", "Hamilton", "Johnston", "Duncan", "Graham", "Ferguson", "Kerr", "Davidson",
    "Bell", "Cameron", "Kelly", "Martin", "Hunter", "Allan", "Mackenzie", "Grant", "Simpson",
    "MacKay", "McLean", "MacLeod", "Black", "Russell", "Marshall", "Wallace", "Gibson",
    "Sinclair", "Munro", "Craig", "Ritchie", "Crawford", "Kennedy", "Docherty", "McIntosh",
)

# Address shape (assumptions): share living in a flat, and the flat's label.
FLAT_SHARE: dict[str, float] = {"scotland": 0.40, "england": 0.20}
STREET_SUFFIXES: dict[str, tuple[str, ...]] = {
    "scotland": ("Street", "Road", "Avenue", "Crescent", "Drive", "Place", "Terrace",
                 "Gardens", "Court", "Wynd", "Loan", "Brae", "Grove", "View", "Park"),
    "england": ("Street", "Road", "Avenue", "Close", "Lane", "Drive", "Grove", "Way",
                "Crescent", "Gardens", "Place", "Court", "Walk", "Mews", "Terrace"),
}

# Ofcom's numbers for TV, radio and other drama: never allocated, safe to show anywhere.
# (Ofcom, "Telephone numbers for drama purposes".) Each is a prefix plus 3 random digits.
MOBILE_DRAMA_PREFIX = "07700 900"
DRAMA_PHONE_RANGES: tuple[str, ...] = (
    MOBILE_DRAMA_PREFIX,  # 07700 900000-900999
    "0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0", "0117 496 0", "0118 496 0",
    "0121 496 0", "0131 496 0", "0141 496 0", "0151 496 0", "0161 496 0", "0191 498 0",
    "020 7946 0", "01632 960",
)

# Emails only at domains reserved for documentation (RFC 2606).
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org")

# Pool sizes: Faker is called this many times once, then rows draw from the pools.
NAME_POOL_SIZE = 2000
STREET_POOL_SIZE = 1000


@dataclass(frozen=True)
class Area:
    """Where an authority's people live: town, real outward codes, drama landline prefix."""

    town: str
    outward_codes: tuple[str, ...]
    landline_prefix: str


def _districts(area: str, *numbers: int | range) -> tuple[str, ...]:
    out: list[str] = []
    for item in numbers:
        out.extend(f"{area}{n}" for n in (item if isinstance(item, range) else (item,)))
    return tuple(out)


# Areas by GSS code. Outward codes are the real postcode districts of each council area.
AREAS: dict[str, Area] = {
    # City of Edinburgh: EH1-EH17.
    "S12000036": Area("Edinburgh", _districts("EH", range(1, 18)), "0131 496 0"),
    # Glasgow City.
    "S12000049": Area("Glasgow", _districts("G", range(1, 6), range(11, 16), range(20, 24),
                                            range(31, 35), range(40, 47), range(51, 54)),
                      "0141 496 0"),
    # Manchester: the districts inside the city (M5-M7 are Salford, M17 Trafford, ...).
    "E08000003": Area("Manchester", _districts("M", range(1, 5), 8, 9, range(11, 17),
                                               range(18, 24), 40), "0161 496 0"),
    # Leeds (part).
    "E08000035": Area("Leeds", _districts("LS", range(1, 18)), "0113 496 0"),
}
# Any other authority: a plausible area of its country, drama numbers with no area.
FALLBACK_AREAS: dict[str, Area] = {
    "scotland": Area("Dundee", _districts("DD", range(1, 6)), "01632 960"),
    "england": Area("Sheffield", _districts("S", range(1, 15)), "0114 496 0"),
}

# Inward code: a digit and two letters, never C, I, K, M, O or V (Royal Mail).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

ROW_EXTRA_KEYS = ("sex", "communication_needs")

# ==============================================================================================
# The generator
# ==============================================================================================


class _Weighted(Generic[T]):
    """Draw from fixed weights with one random() and a bisect: fast for millions of draws."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, weights: Mapping[T, float] | Iterable[tuple[T, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        pairs = [(item, w) for item, w in pairs if w > 0]
        if not pairs:
            raise ValueError("No positive weights")
        self._items = [item for item, _ in pairs]
        self._cum = list(itertools.accumulate(w for _, w in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self._items[bisect.bisect_right(self._cum, rng.random() * self._total)]


def age_band(age: int) -> str:
    """The label of the AGE_BANDS band holding ``age``."""
    for label, low, high, _ in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_BANDS[-1][0] if age > AGE_BANDS[-1][2] else AGE_BANDS[0][0]


def area_for(authority: Any) -> Area:
    code = getattr(authority, "code", "") or ""
    country = _country(authority)
    return AREAS.get(code) or FALLBACK_AREAS[country]


def _country(authority: Any) -> str:
    country = str(getattr(authority, "country", "scotland") or "scotland")
    if country not in ("scotland", "england"):
        raise ValueError(f"No synthetic data for country {country!r}")
    return country


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class PeopleGenerator:
    """Generates synthetic people for one authority. Build once, then call ``rows(n)``.

    Faker is used only here, to fill the name and street pools; each row then costs a few
    dozen ``random`` calls. ``taken_identifiers`` are CHI or NHS numbers already in use (for
    example already in the database) that must not be generated.
    """

    def __init__(self, *, seed: int | random.Random, authority: Any,
                 today: date | None = None, taken_identifiers: Iterable[str] = ()) -> None:
        from faker import Faker

        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        self.country = _country(authority)
        self.area = area_for(authority)
        self.today = today or clock.today()
        self._taken: set[str] = set(taken_identifiers)

        fake = Faker("en_GB")
        fake.seed_instance(self.rng.getrandbits(64))
        self._female = [fake.first_name_female() for _ in range(NAME_POOL_SIZE)]
        self._male = [fake.first_name_male() for _ in range(NAME_POOL_SIZE)]
        surnames = [fake.last_name() for _ in range(NAME_POOL_SIZE)]
        if self.country == "scotland":
            scottish = int(NAME_POOL_SIZE * SCOTTISH_SURNAME_SHARE)
            surnames[:scottish] = [self.rng.choice(SCOTTISH_SURNAMES) for _ in range(scottish)]
        self._family = surnames
        suffixes = STREET_SUFFIXES[self.country]
        stems = [fake.last_name() for _ in range(STREET_POOL_SIZE)]
        self._streets = [f"{stem} {self.rng.choice(suffixes)}" for stem in stems]

        self._bands = _Weighted((i, band[3]) for i, band in enumerate(AGE_BANDS))
        oldest = AGE_BANDS[-1]
        self._oldest_ages = _Weighted(
            (age, OLDEST_BAND_YEARLY_DECAY ** (age - oldest[1]))
            for age in range(oldest[1], oldest[2] + 1))
        self._groups = {
            label: _Weighted(zip(_PUBLISHED_GROUPS, counts, strict=True))
            for label, counts in CLIENT_GROUPS_BY_BAND.items()}
        self._other = {label: _Weighted(split) for label, split in OTHER_SPLIT_BY_BAND.items()}
        self._phone = {label: _Weighted(split) for label, split in PHONE_BY_BAND.items()}
        self._languages = _Weighted(INTERPRETER_LANGUAGES[self.country])
        self._flat_share = FLAT_SHARE[self.country]

    # -- public -----------------------------------------------------------------------------

    def rows(self, count: int) -> Iterator[dict[str, Any]]:
        for _ in range(count):
            yield self.row()

    def row(self) -> dict[str, Any]:
        rng = self.rng
        label, low, high, _ = AGE_BANDS[self._bands.pick(rng)]
        age = self._oldest_ages.pick(rng) if label == AGE_BANDS[-1][0] else rng.randint(low, high)
        date_of_birth = self._date_of_birth(age)
        sex = "female" if rng.random() < FEMALE_SHARE_BY_BAND[label] else "male"

        if age >= CLASSIC_NAME_AGE and rng.random() < CLASSIC_NAME_SHARE:
            given = rng.choice(CLASSIC_NAMES[sex])
        else:
            given = rng.choice(self._female if sex == "female" else self._male)
        family = rng.choice(self._family)
        preferred = ""
        if given in NICKNAMES and rng.random() < PREFERRED_NAME_SHARE:
            preferred = rng.choice(NICKNAMES[given])

        group = self._groups[label].pick(rng)
        if group == "other":
            group = self._other[label].pick(rng)

        if self.country == "scotland":
            chi, nhs = self._chi_number(date_of_birth, sex), ""
        else:
            chi, nhs = "", self._nhs_number()

        line_1, line_2 = self._address()
        phone_kind = self._phone[label].pick(rng)
        if phone_kind == "mobile":
            phone = f"{MOBILE_DRAMA_PREFIX}{rng.randrange(1000):03d}"
        elif phone_kind == "landline":
            phone = f"{self.area.landline_prefix}{rng.randrange(1000):03d}"
        else:
            phone = ""
        email = ""
        if rng.random() < EMAIL_SHARE_BY_BAND[label]:
            email = self._email(preferred or given, family)

        needs = self._needs(group, age)
        kinds = {kind for kind, _ in needs}
        contact = self._contact(label, kinds, phone_kind, bool(email))

        return {
            "given_name": given,
            "family_name": family,
            "preferred_name": preferred,
            "pronouns": "",
            "date_of_birth": date_of_birth,
            "chi_number": chi,
            "nhs_number": nhs,
            "address_line_1": line_1,
            "address_line_2": line_2,
            "town": self.area.town,
            "postcode": self._postcode(),
            "phone": phone,
            "email": email,
            "contact_preference": contact,
            "client_group": group,
            "notes": "",
            "sex": sex,
            "communication_needs": needs,
        }

    # -- parts ------------------------------------------------------------------------------

    def _date_of_birth(self, age: int) -> date:
        """A birthday at which the person is ``age`` on ``today`` (uniform over the year)."""
        latest = _years_before(self.today, age)
        if latest >= self.today:
            latest = self.today - timedelta(days=1)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return date.fromordinal(self.rng.randint(earliest.toordinal(), latest.toordinal()))

    def _chi_number(self, date_of_birth: date, sex: str) -> str:
        """A valid CHI number for the date of birth; its ninth digit is odd for a man and even
        for a woman, as in real CHI numbers. Never one already taken."""
        rng = self.rng
        prefix = f"{date_of_birth.day:02d}{date_of_birth.month:02d}{date_of_birth.year % 100:02d}"
        parity = 1 if sex == "male" else 0
        while True:
            first_nine = f"{prefix}{rng.randrange(100):02d}{rng.randrange(5) * 2 + parity}"
            check = mod11_check_digit(first_nine)
            if check == 10:
                continue
            number = f"{first_nine}{check}"
            if number not in self._taken:
                self._taken.add(number)
                return number

    def _nhs_number(self) -> str:
        """A valid NHS number in the never-issued 999 test range, never one already taken."""
        rng = self.rng
        while True:
            first_nine = f"999{rng.randrange(1_000_000):06d}"
            check = mod11_check_digit(first_nine)
            if check == 10:
                continue
            number = f"{first_nine}{check}"
            if number not in self._taken:
                self._taken.add(number)
                return number

    def _postcode(self) -> str:
        rng = self.rng
        return (f"{rng.choice(self.area.outward_codes)} {rng.randrange(10)}"
                f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}")

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        street = f"{rng.randint(1, 180)} {rng.choice(self._streets)}"
        if rng.random() >= self._flat_share:
            return street, ""
        if self.country == "england":
            flat = f"{rng.choice(('Flat', 'Flat', 'Apartment'))} {rng.randint(1, 40)}"
        elif self.area.town == "Glasgow":
            flat = f"Flat {rng.randint(0, 4)}/{rng.randint(1, 3)}"  # floor/position
        else:
            flat = f"Flat {rng.randint(1, 4)}F{rng.randint(1, 3)}"  # Edinburgh's 2F1
        return flat, street

    def _email(self, given: str, family: str) -> str:
        rng = self.rng
        local = f"{_ascii_slug(given) or 'person'}.{_ascii_slug(family) or 'demo'}"
        if rng.random() < 0.6:
            local += str(rng.randint(1, 999))
        return f"{local}@{rng.choice(EMAIL_DOMAINS)}"

    def _needs(self, group: str, age: int) -> list[tuple[str, str]]:
        rng = self.rng
        if rng.random() >= NEED_SHARE:
            return []
        weights = {kind: float(weight) for kind, (weight, _) in COMMUNICATION_NEEDS.items()}
        if group in ("learning_disability", "autism"):
            weights["easy_read"] *= EASY_READ_AFFINITY
        if age >= 75:
            weights["large_print"] *= LARGE_PRINT_AFFINITY
        first = _Weighted(weights).pick(rng)
        kinds = [first]
        if first == "bsl_interpreter" and rng.random() < BSL_FACE_TO_FACE_SHARE:
            kinds.append("face_to_face_only")
        elif rng.random() < SECOND_NEED_SHARE:
            del weights[first]
            kinds.append(_Weighted(weights).pick(rng))
        return [(kind, self._need_detail(kind)) for kind in kinds]

    def _need_detail(self, kind: str) -> str:
        if kind == "interpreter":
            return self._languages.pick(self.rng)
        return self.rng.choice(COMMUNICATION_NEEDS[kind][1])

    def _contact(self, label: str, kinds: set[str], phone_kind: str, has_email: bool) -> str:
        if "bsl_interpreter" in kinds:
            weights = dict(BSL_CONTACT)
        elif "face_to_face_only" in kinds:
            return "face_to_face"
        else:
            weights = dict(CONTACT_BY_BAND[label])
        if phone_kind == "none":
            weights.pop("phone", None)
        if phone_kind != "mobile":
            weights.pop("text", None)
        if not has_email:
            weights.pop("email", None)
        if not weights:
            return "letter"
        return _Weighted(weights).pick(self.rng)


def iter_people(*, seed: int | random.Random, authority: Any, count: int,
                today: date | None = None,
                taken_identifiers: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """Yield ``count`` synthetic people for ``authority`` (see the module docstring)."""
    return PeopleGenerator(seed=seed, authority=authority, today=today,
                           taken_identifiers=taken_identifiers).rows(count)


def generate_people(*, seed: int | random.Random, authority: Any, count: int,
                    today: date | None = None,
                    taken_identifiers: Iterable[str] = ()) -> list[dict[str, Any]]:
    """``count`` synthetic people for ``authority`` as a list."""
    return list(iter_people(seed=seed, authority=authority, count=count, today=today,
                            taken_identifiers=taken_identifiers))


def summarise(rows: Sequence[dict[str, Any]], *, today: date) -> dict[str, dict[str, float]]:
    """Shares by age band, client group and sex, and the share with needs (for dry runs)."""
    total = len(rows) or 1
    bands: dict[str, int] = {}
    groups: dict[str, int] = {}
    women = with_needs = 0
    for row in rows:
        born = row["date_of_birth"]
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        label = age_band(age)
        bands[label] = bands.get(label, 0) + 1
        groups[row["client_group"]] = groups.get(row["client_group"], 0) + 1
        women += row["sex"] == "female"
        with_needs += bool(row["communication_needs"])
    return {
        "age_band": {k: v / total for k, v in sorted(bands.items())},
        "client_group": {k: v / total for k, v in sorted(groups.items(), key=lambda kv: -kv[1])},
        "other": {"female": women / total, "with_communication_needs": with_needs / total},
    }
