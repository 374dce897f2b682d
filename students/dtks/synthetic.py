"""Labelled synthetic districts: pupils, a DTKS register, and the truth.

``make_district`` builds families in kecamatan and desa, puts the DTKS
families in a register, and draws pupils from the school-age children of
both DTKS and other families. Each pupil gets one kind of flaw (see
``KINDS``) as real Dapodik and DTKS data have them, and its truth: the
register person it is, or none. Everything comes from one seeded random
generator, so a seed always gives the same district.

The names are Indonesian and Banjar names as written in Kalimantan Selatan,
drawn with skewed frequencies so that common names repeat as they do in a
real register.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from students.dtks.engine import Person, Student
from students.dtks.reader import CHILD, GRANDCHILD, HEAD, PARENT, SPOUSE

REFERENCE_DATE = date(2026, 1, 15)
SCHOOL_AGES = (6, 15)

# Kinds of flaw, each with its share of the pupils.
KINDS: dict[str, float] = {
    "clean": 0.30,
    "nik_missing": 0.08,
    "nik_typo": 0.04,
    "name_variant": 0.08,
    "birth_date_off": 0.05,
    "mother_variant": 0.03,
    "moved": 0.02,
    "combined": 0.03,
    "look_alike": 0.03,
    "not_in_dtks": 0.30,
    "look_alike_absent": 0.04,
}
ABSENT_KINDS = frozenset({"not_in_dtks", "look_alike_absent"})
KIND_DESCRIPTIONS = {
    "clean": "no flaw",
    "nik_missing": 'NIK empty, "-" or sixteen zeros on one side',
    "nik_typo": "one NIK digit changed or two swapped in Dapodik",
    "name_variant": "name spelled another way (Muhammad/M., old spelling, typo …)",
    "birth_date_off": "birth date with day and month swapped, a day or a year off",
    "mother_variant": "mother's name spelled another way",
    "moved": "family moved to another kecamatan, no NIK nor No KK",
    "combined": "no NIK nor No KK, and two of name, birth date, mother flaws",
    "look_alike": "no NIK nor No KK, and a look-alike in the register",
    "not_in_dtks": "pupil not in the register",
    "look_alike_absent": "pupil not in the register, a look-alike is",
}

BALANGAN_KECAMATAN = (
    "JUAI",
    "HALONG",
    "AWAYAN",
    "BATU MANDI",
    "LAMPIHONG",
    "PARINGIN",
    "PARINGIN SELATAN",
    "TEBING TINGGI",
)
TOWNS = ("PARINGIN", "AMUNTAI", "BARABAI", "TANJUNG", "BANJARMASIN", "BALANGAN")
SYLLABLES = (
    "BA",
    "LU",
    "TA",
    "RI",
    "MA",
    "NGA",
    "PI",
    "SA",
    "KU",
    "HA",
    "LA",
    "DU",
    "GA",
    "TI",
    "WA",
    "RA",
    "JA",
    "NI",
    "BU",
    "SI",
)
PLACE_WORDS = ("LOK", "BATU", "TANAH", "SUNGAI", "BABAYAU", "MUARA", "TAMPANG", "")


def _word_list(text: str) -> list[str]:
    return text.split()


MALE_PREFIXES = (("MUHAMMAD", 0.30), ("AHMAD", 0.06), ("ABDUL", 0.03))
FEMALE_PREFIXES = (("SITI", 0.15), ("NUR", 0.10), ("NURUL", 0.03))
MALE_NAMES = _word_list(
    "RIZKI FAUZAN RAHMAN HIDAYAT ARIF SYAIFUL HAIRUL ILHAM RAMADHAN FAJAR "
    "AKBAR YUSUF HASAN HUSIN ALI RIDHO FIRDAUS ZAINAL ANWAR RAHMAT HENDRA "
    "SAPUTRA FIKRI HAFIZ NAUFAL ALIF DIMAS ADITYA BAYU YOGA IRFAN JUNAIDI "
    "MAULANA HADI SUPRIADI GUSTI RAFI AZKA FAHRI HABIBI SALMAN IQBAL AMIN "
    "FAISAL HAMDAN MAHFUZ NORDIN ASRANI SARWANI JAMALUDIN ARBAIN HAMDANI "
    "RUSLAN MUKHLIS SYAHRIL KHAIRUL MUJAHID TAUFIK WAHYU RIDWAN RAFLI DAFFA "
    "ZAKI RASYID SUBHAN KURNIAWAN PRATAMA WIJAYA HERMANSYAH ABDULLAH "
    "SYAHRANI JAILANI ARIFIN BAHRUL FAHMI MIFTAH MUSLIM NASRULLAH RIFQI "
    "SAMSUL TOHIR UJANG YAMANI ZULKIFLI ALFIAN BAIHAQI DANI EKO FERDI GALIH"
)
FEMALE_NAMES = _word_list(
    "AMINAH FATIMAH AISYAH HALIMAH KHADIJAH ZAHRA AULIA PUTRI RAHMAH SALSABILA "
    "NABILA AZZAHRA HIKMAH JANNAH MAULIDA RAHMAWATI SARI DEWI LESTARI "
    "FITRIANI WAHYUNI HASANAH MARLIANA NORHAYATI NORLIANI MASITAH ROSTINA "
    "SALMAH JUBAIDAH HARIYANI RUSMINAH KARTINI MAYA INDAH FADILAH SYIFA "
    "NAILA HANIFAH ANISA RIZKA AMELIA NOVITA YULIANA SUSANTI RATNA "
    "HERLINA MUNAWARAH ZAKIAH RAUDAH MARDIANA SAKINAH HUSNA NAJWA KEISHA "
    "ALYA ZAHIRAH INAYAH MUTIARA HAYATI ASMAH SUPIANI ROHANI MISNAH "
    "NORJANAH RABIATUL ADAWIYAH MUNIRAH KAMALIAH QORI AFIFAH "
    "HANDAYANI NURHALIZA SALWA ZAHRATUN NISA SYARIFAH HUMAIRA LUTFIAH"
)


class Truth(NamedTuple):
    """What a pupil really is: its register person (``None`` when it is not
    in the register) and the kind of flaw it was given."""

    person_key: int | None
    kind: str


@dataclass
class District:
    students: list[Student]
    people: list[Person]
    truth: dict[int, Truth]
    kecamatan: list[str] = field(default_factory=list)


@dataclass
class _Member:
    name: str
    gender: str
    birth_date: date
    relationship: str
    nik: str
    birth_place: str
    mother: str


@dataclass
class _Family:
    kecamatan: int
    desa: str
    no_kk: str
    members: list[_Member]
    desil: int
    in_register: bool

    @property
    def mother(self) -> str:
        for member in self.members:
            if member.relationship == SPOUSE and member.gender == "P":
                return member.name
        return ""


def make_district(
    students: int = 2000,
    people: int | None = None,
    seed: int = 1,
    kecamatan: int | None = None,
    kinds: dict[str, float] | None = None,
) -> District:
    """A district with ``students`` pupils and a register of about
    ``people`` people (by default 3.3 per pupil; look-alikes are added on
    top)."""
    people = people if people is not None else int(students * 3.3)
    return _Builder(students, people, seed, kecamatan, kinds or KINDS).build()


class _Builder:
    def __init__(
        self,
        students: int,
        people: int,
        seed: int,
        kecamatan: int | None,
        kinds: dict[str, float],
    ) -> None:
        self.random = random.Random(seed)
        self.student_count = students
        self.people_target = people
        self.kinds = kinds
        count = kecamatan or max(len(BALANGAN_KECAMATAN), people // 12_500)
        self.kecamatan = list(BALANGAN_KECAMATAN[:count])
        while len(self.kecamatan) < count:
            self.kecamatan.append(self._word(3) + " " + self._word(2))
        desa_count = max(4, people // count // 800)
        self.desa = [self._places(desa_count) for _ in self.kecamatan]
        self.serials: dict[str, int] = defaultdict(int)
        self.male = _weighted(MALE_NAMES)
        self.female = _weighted(FEMALE_NAMES)
        self.dates: dict[int, date] = {}

    def build(self) -> District:
        plan = self._plan()
        absent = sum(1 for kind in plan if kind in ABSENT_KINDS)
        present = len(plan) - absent

        families, pupils = self._families(present)
        others = [self._family(in_register=False) for _ in range(absent)]

        register: list[Person] = []
        self.positions: dict[int, int] = {}
        for family in families:
            for member in family.members:
                self.positions[id(member)] = len(register)
                register.append(self._person(len(register) + 1, family, member))

        students: list[Student] = []
        truth: dict[int, Truth] = {}
        present_pupils = iter(pupils)
        absent_pupils = iter(others)
        for key, kind in enumerate(plan, start=1):
            if kind in ABSENT_KINDS:
                # Some are in a registered family but were not listed.
                family = next(absent_pupils)
                if self.random.random() < 0.3:
                    family = self.random.choice(families)
                    child = self._new_child(family)
                else:
                    child = self._school_child(family)
                target = None
            else:
                family, child = next(present_pupils)
                target = register[self.positions[id(child)]].key
            student = self._student(key, family, child)
            student = self._flaw(kind, student, family, child, register)
            students.append(student)
            truth[key] = Truth(target, kind)
        return District(students, register, truth, self.kecamatan)

    def _plan(self) -> list[str]:
        kinds = list(self.kinds)
        total = sum(self.kinds.values())
        plan: list[str] = []
        for kind in kinds:
            plan += [kind] * round(self.student_count * self.kinds[kind] / total)
        while len(plan) < self.student_count:
            plan.append("clean")
        plan = plan[: self.student_count]
        self.random.shuffle(plan)
        return plan

    def _families(self, pupils: int) -> tuple[list[_Family], list[tuple]]:
        families: list[_Family] = []
        children: list[tuple[_Family, _Member]] = []
        size = 0
        while size < self.people_target or len(children) < pupils:
            family = self._family(in_register=True)
            families.append(family)
            size += len(family.members)
            children += [
                (family, member)
                for member in family.members
                if member.relationship == CHILD and _school_age(member.birth_date)
            ]
        self.random.shuffle(children)
        return families, children[:pupils]

    def _family(self, in_register: bool) -> _Family:
        rnd = self.random
        kecamatan = rnd.randrange(len(self.kecamatan))
        desa = rnd.choice(self.desa[kecamatan])
        region = "6311" if kecamatan < 99 else "63" + str(12 + kecamatan // 99)
        region += f"{kecamatan % 99 + 1:02d}"
        issued = self._date(date(2005, 1, 1), date(2025, 6, 30))
        no_kk = self._number(region, issued, 0)

        members: list[_Member] = []
        head_born = self._date(date(1972, 1, 1), date(1994, 12, 31))
        head_gender = "L" if rnd.random() < 0.9 else "P"
        head = self._member(head_gender, head_born, HEAD, region, desa)
        members.append(head)
        if head_gender == "L" and rnd.random() < 0.92:
            wife_born = head_born + timedelta(days=rnd.randint(0, 3000))
            members.append(self._member("P", wife_born, SPOUSE, region, desa))
        mother = members[-1].name if len(members) > 1 else head.name

        first_child = head_born + timedelta(days=rnd.randint(19 * 365, 30 * 365))
        born = first_child
        for _ in range(_children(rnd)):
            if born > REFERENCE_DATE - timedelta(days=30):
                break
            gender = rnd.choice("LP")
            child = self._member(gender, born, CHILD, region, desa, mother)
            members.append(child)
            # Twins now and then; otherwise two to five years apart.
            gap = 0 if rnd.random() < 0.015 else rnd.randint(400, 1800)
            born += timedelta(days=gap)
        if rnd.random() < 0.08:
            elder = head_born - timedelta(days=rnd.randint(20 * 365, 32 * 365))
            members.append(self._member(rnd.choice("LP"), elder, PARENT, region, desa))
        if rnd.random() < 0.05 and members[-1].relationship == CHILD:
            baby = REFERENCE_DATE - timedelta(days=rnd.randint(60, 1500))
            members.append(
                self._member(rnd.choice("LP"), baby, GRANDCHILD, region, desa)
            )
        desil = min(10, 1 + int(rnd.expovariate(0.45)))
        return _Family(kecamatan, desa, no_kk, members, desil, in_register)

    def _member(
        self,
        gender: str,
        born: date,
        relationship: str,
        region: str,
        desa: str,
        mother: str | None = None,
    ) -> _Member:
        rnd = self.random
        nik = self._number(region, born, 40 if gender == "P" else 0)
        place = desa if rnd.random() < 0.5 else rnd.choice(TOWNS[:3])
        return _Member(
            name=self._name(gender),
            gender=gender,
            birth_date=born,
            relationship=relationship,
            nik=nik,
            birth_place=place,
            mother=mother if mother is not None else self._name("P"),
        )

    def _number(self, region: str, when: date, day_offset: int) -> str:
        middle = f"{when.day + day_offset:02d}{when.month:02d}{when.year % 100:02d}"
        prefix = region + middle
        self.serials[prefix] += 1
        return prefix + f"{self.serials[prefix]:04d}"

    def _name(self, gender: str) -> str:
        rnd = self.random
        prefixes = MALE_PREFIXES if gender == "L" else FEMALE_PREFIXES
        pick = self.male if gender == "L" else self.female
        words = []
        roll = rnd.random()
        for prefix, share in prefixes:
            if roll < share:
                words.append(prefix)
                break
            roll -= share
        words.append(pick(rnd))
        if rnd.random() < 0.6:
            second = pick(rnd)
            if second not in words:
                words.append(second)
        if len(words) == 1 and rnd.random() < 0.3:
            words.append(pick(rnd))
        return " ".join(words)

    def _person(self, key: int, family: _Family, member: _Member) -> Person:
        rnd = self.random
        nik: str | None = member.nik if rnd.random() > 0.04 else None
        mother = member.mother if member.relationship == CHILD else ""
        if member.relationship != CHILD and rnd.random() < 0.5:
            mother = member.mother
        # Some extracts leave NAMA_IBU_KANDUNG empty; the family gives it.
        if rnd.random() < 0.15:
            mother = ""
        return Person(
            key=key,
            dtks_id=str(3_000_000_000 + key),
            nik=nik,
            no_kk=family.no_kk,
            name=member.name,
            gender=member.gender,
            birth_date=member.birth_date,
            birth_place=member.birth_place,
            relationship=member.relationship,
            mother_name=mother,
            desa=family.desa,
            kecamatan=self.kecamatan[family.kecamatan],
            desil=family.desil,
        )

    def _school_child(self, family: _Family) -> _Member:
        for member in family.members:
            if member.relationship == CHILD and _school_age(member.birth_date):
                return member
        return self._new_child(family)

    def _new_child(self, family: _Family) -> _Member:
        born = self._date(
            date(REFERENCE_DATE.year - SCHOOL_AGES[1], 1, 1),
            date(REFERENCE_DATE.year - SCHOOL_AGES[0], 6, 30),
        )
        region = family.no_kk[:6]
        gender = self.random.choice("LP")
        child = self._member(gender, born, CHILD, region, family.desa, family.mother)
        family.members.append(child)
        return child

    def _student(self, key: int, family: _Family, child: _Member) -> Student:
        rnd = self.random
        desa = family.desa
        kecamatan = self.kecamatan[family.kecamatan]
        if rnd.random() < 0.2:
            desa = "Desa " + desa.title()
            kecamatan = "Kec. " + kecamatan.title()
        name = child.name.title() if rnd.random() < 0.5 else child.name
        place = child.birth_place
        if rnd.random() < 0.15:
            place = rnd.choice(TOWNS)
        return Student(
            key=key,
            nik=child.nik,
            no_kk=family.no_kk if rnd.random() < 0.6 else "",
            name=name,
            gender=child.gender,
            birth_date=child.birth_date,
            birth_place=place.title(),
            mother_name=child.mother.title() if rnd.random() < 0.5 else child.mother,
            desa=desa,
            kecamatan=kecamatan,
        )

    def _flaw(
        self,
        kind: str,
        student: Student,
        family: _Family,
        child: _Member,
        register: list[Person],
    ) -> Student:
        """The pupil with the flaw of ``kind``; the register is changed in
        place where the flaw is on its side."""
        rnd = self.random
        if kind == "nik_missing":
            if rnd.random() < 0.6:
                student = student._replace(nik=self._missing_nik())
            else:
                self._edit_person(register, child, nik=None)
        elif kind == "nik_typo":
            student = student._replace(nik=self._nik_typo(student.nik or ""))
        elif kind == "name_variant":
            if rnd.random() < 0.6:
                student = student._replace(name=self.name_variant(student.name))
            else:
                variant = self.name_variant(child.name, register=True)
                self._edit_person(register, child, name=variant)
        elif kind == "birth_date_off":
            student = student._replace(birth_date=self._date_off(child.birth_date))
        elif kind == "mother_variant":
            student = student._replace(
                mother_name=self.mother_variant(student.mother_name)
            )
        elif kind == "moved":
            other = (family.kecamatan + rnd.randrange(1, len(self.kecamatan))) % len(
                self.kecamatan
            )
            student = student._replace(
                nik=self._missing_nik(),
                no_kk="",
                desa=rnd.choice(self.desa[other]),
                kecamatan=self.kecamatan[other],
            )
        elif kind == "combined":
            student = student._replace(nik=self._missing_nik(), no_kk="")
            flaws: list[Callable[[Student], Student]] = [
                lambda s: s._replace(name=self.name_variant(s.name)),
                lambda s: s._replace(birth_date=self._date_off(child.birth_date)),
                lambda s: s._replace(mother_name=self.mother_variant(s.mother_name)),
            ]
            for flaw in rnd.sample(flaws, 2):
                student = flaw(student)
        elif kind == "look_alike":
            student = student._replace(nik=self._missing_nik(), no_kk="")
            register.append(self._look_alike(len(register) + 1, family, child))
        elif kind == "look_alike_absent":
            if rnd.random() < 0.5:
                student = student._replace(nik=self._missing_nik())
            register.append(self._look_alike(len(register) + 1, family, child))
        return student

    def _edit_person(
        self, register: list[Person], child: _Member, **changes: Any
    ) -> None:
        index = self.positions[id(child)]
        register[index] = register[index]._replace(**changes)

    def _look_alike(self, key: int, family: _Family, child: _Member) -> Person:
        """A register person with the pupil's name and gender, born a few
        days apart, with another mother, in another desa."""
        rnd = self.random
        shift = rnd.choice((-1, 1)) * rnd.choice((1, 2, 3, 4, 5, 6))
        born = child.birth_date + timedelta(days=shift)
        kecamatan = family.kecamatan
        if rnd.random() < 0.5:
            kecamatan = rnd.randrange(len(self.kecamatan))
        desa = rnd.choice([d for d in self.desa[kecamatan] if d != family.desa])
        region = "6311" + f"{kecamatan % 99 + 1:02d}"
        mother = self._name("P")
        while mother == child.mother:
            mother = self._name("P")
        return Person(
            key=key,
            dtks_id=str(3_000_000_000 + key),
            nik=self._number(region, born, 40 if child.gender == "P" else 0),
            no_kk=self._number(
                region, self._date(date(2005, 1, 1), date(2025, 1, 1)), 0
            ),
            name=child.name,
            gender=child.gender,
            birth_date=born,
            birth_place=rnd.choice((desa, *TOWNS[:3])),
            relationship=CHILD,
            mother_name=mother,
            desa=desa,
            kecamatan=self.kecamatan[kecamatan],
            desil=rnd.randint(1, 6),
        )

    def _missing_nik(self) -> str:
        return self.random.choice(("", "-", "0000000000000000"))

    def _nik_typo(self, nik: str) -> str:
        rnd = self.random
        digits = list(nik)
        if rnd.random() < 0.5:
            position = rnd.randrange(len(digits))
            digits[position] = rnd.choice(
                [d for d in "0123456789" if d != nik[position]]
            )
            return "".join(digits)
        for _ in range(20):
            a, b = sorted(rnd.sample(range(len(digits)), 2))
            if digits[a] != digits[b]:
                digits[a], digits[b] = digits[b], digits[a]
                return "".join(digits)
        return nik

    def _date_off(self, born: date) -> date:
        rnd = self.random
        options: list[date] = [born + timedelta(days=1), born - timedelta(days=1)]
        if born.day <= 12 and born.day != born.month:
            options += [date(born.year, born.day, born.month)] * 2
        for shift in (-1, 1):
            try:
                options.append(born.replace(year=born.year + shift))
            except ValueError:
                continue
        return rnd.choice(options)

    def name_variant(self, name: str, register: bool = False) -> str:
        """The name as another clerk would write it: one or two of the
        usual spelling variants, a typo, or a dropped or abbreviated
        word."""
        rnd = self.random
        words = name.upper().split()
        changes = _NAME_CHANGES[:]
        rnd.shuffle(changes)
        applied = 0
        for change in changes:
            result = change(words, rnd)
            if result is not None and result != words:
                words = result
                applied += 1
                if applied == 2 or rnd.random() < 0.5:
                    break
        text = " ".join(words)
        if register and rnd.random() < 0.2:
            text += " BIN " if rnd.random() < 0.5 else " BINTI "
            text += self._name("L").split()[-1]
        return text.title() if rnd.random() < 0.4 else text

    def mother_variant(self, name: str) -> str:
        rnd = self.random
        words = name.upper().split()
        roll = rnd.random()
        if roll < 0.25:
            words = [rnd.choice(("HJ.", "HJ", "HAJJAH", "HJH.")), *words]
        elif roll < 0.4 and len(words) > 1 and words[0] in ("SITI", "NUR", "NURUL"):
            words = words[1:]
        elif roll < 0.55:
            words = [*words, "BINTI", self._name("L").split()[-1]]
        else:
            return self.name_variant(name)
        return " ".join(words)

    def _date(self, first: date, last: date) -> date:
        ordinal = self.random.randint(first.toordinal(), last.toordinal())
        cached = self.dates.get(ordinal)
        if cached is None:
            cached = self.dates[ordinal] = date.fromordinal(ordinal)
        return cached

    def _word(self, syllables: int) -> str:
        return "".join(self.random.choice(SYLLABLES) for _ in range(syllables))

    def _places(self, count: int) -> list[str]:
        names: set[str] = set()
        while len(names) < count:
            prefix = self.random.choice(PLACE_WORDS)
            names.add((prefix + " " + self._word(2)).strip())
        return sorted(names)


def _weighted(words: list[str]) -> Callable[[random.Random], str]:
    # Zipf-like: the first names of the list are several times commoner
    # than the last, the commonest at about one in twenty-five.
    weights = [1 / (rank + 10) for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick(rnd: random.Random) -> str:
        return rnd.choices(words, cum_weights=cumulative)[0]

    return pick


def _children(rnd: random.Random) -> int:
    return min(7, max(0, round(rnd.gauss(2.6, 1.3))))


def _school_age(born: date) -> bool:
    age = (REFERENCE_DATE - born).days // 365
    return SCHOOL_AGES[0] <= age <= SCHOOL_AGES[1]


def _muhammad(words: list[str], rnd: random.Random) -> list[str] | None:
    if "MUHAMMAD" not in words:
        return None
    form = rnd.choice(("M.", "MOH.", "MUHAMAD", "MOHAMMAD", "MUH.", "MOCH.", "MHD"))
    return [form if word == "MUHAMMAD" else word for word in words]


def _replace_word(table: dict[str, tuple[str, ...]]) -> Callable:
    def change(words: list[str], rnd: random.Random) -> list[str] | None:
        hits = [word for word in words if word in table]
        if not hits:
            return None
        return [rnd.choice(table[w]) if w in table else w for w in words]

    return change


def _old_spelling(words: list[str], rnd: random.Random) -> list[str] | None:
    pairs = [("U", "OE"), ("J", "DJ"), ("C", "TJ"), ("SY", "SJ"), ("KH", "CH")]
    rnd.shuffle(pairs)
    for new, old in pairs:
        positions = [index for index, word in enumerate(words) if new in word[1:]]
        if positions:
            index = rnd.choice(positions)
            words = words[:]
            words[index] = words[index][0] + words[index][1:].replace(new, old, 1)
            return words
    return None


def _banjar(words: list[str], rnd: random.Random) -> list[str] | None:
    pairs = [("F", "P"), ("Z", "J"), ("SY", "S"), ("KH", "H"), ("AH", "A"), ("Y", "I")]
    rnd.shuffle(pairs)
    for old, new in pairs:
        positions = [index for index, word in enumerate(words) if old in word]
        if positions:
            index = rnd.choice(positions)
            words = words[:]
            words[index] = words[index].replace(old, new, 1)
            return words
    return None


def _doubled(words: list[str], rnd: random.Random) -> list[str] | None:
    index = rnd.randrange(len(words))
    word = words[index]
    if len(word) < 4:
        return None
    position = rnd.randrange(1, len(word) - 1)
    words = words[:]
    words[index] = word[:position] + word[position] + word[position:]
    return words


def _typo(words: list[str], rnd: random.Random) -> list[str] | None:
    candidates = [index for index, word in enumerate(words) if len(word) >= 5]
    if not candidates:
        return None
    index = rnd.choice(candidates)
    word = words[index]
    position = rnd.randrange(1, len(word))
    letter = rnd.choice("AEIOURSTNLKMH")
    roll = rnd.random()
    if roll < 0.4:
        word = word[:position] + letter + word[position + 1 :]
    elif roll < 0.7:
        word = word[:position] + word[position + 1 :]
    else:
        word = word[:position] + letter + word[position:]
    words = words[:]
    words[index] = word
    return words


def _drop_or_abbreviate(words: list[str], rnd: random.Random) -> list[str] | None:
    if len(words) < 3:
        return None
    index = rnd.randrange(1, len(words) - 1) if len(words) > 2 else 1
    words = words[:]
    if rnd.random() < 0.5:
        del words[index]
    else:
        words[index] = words[index][0] + "."
    return words


def _swap_order(words: list[str], rnd: random.Random) -> list[str] | None:
    if len(words) != 2 or words[0] in ("MUHAMMAD", "SITI", "NUR", "AHMAD"):
        return None
    return [words[1], words[0]]


_NAME_CHANGES: list[Callable[[list[str], random.Random], list[str] | None]] = [
    _muhammad,
    _replace_word(
        {
            "AHMAD": ("ACHMAD", "AKHMAD"),
            "NUR": ("NOOR", "NOR"),
            "NURUL": ("NORUL",),
            "ABDUL": ("ABD.", "ABDOEL"),
            "SITI": ("SITTI",),
        }
    ),
    _old_spelling,
    _banjar,
    _doubled,
    _typo,
    _drop_or_abbreviate,
    _swap_order,
]


REGISTER_HEADER = (
    "IDDTKS",
    "NIK",
    "NOKK",
    "NAMA",
    "JENIS_KELAMIN",
    "TMPT_LAHIR",
    "TGL_LAHIR",
    "HUB_KELUARGA",
    "NAMA_IBU_KANDUNG",
    "ALAMAT",
    "DUSUN",
    "RT",
    "RW",
    "DESA_KELURAHAN",
    "KECAMATAN",
    "KABUPATEN",
    "DESIL",
)
_RELATIONSHIP_TEXT: dict[str, str] = {
    HEAD: "Kepala Keluarga",
    SPOUSE: "Istri",
    CHILD: "Anak",
    GRANDCHILD: "Cucu",
    PARENT: "Orang Tua",
}


def register_row(person: Person, copy: int = 0) -> list[str]:
    """A register person as the cells of a DTKS extract row.

    ``copy`` > 0 makes another person out of the same values (other ID, NIK
    and No KK), for files larger than a generated district.
    """
    nik = person.nik or ""
    no_kk = person.no_kk or ""
    dtks_id = person.dtks_id
    if copy:
        dtks_id = f"{dtks_id}{copy:03d}"
        nik = nik[:12] + f"{(int(nik[12:]) + copy * 997) % 10000:04d}" if nik else ""
        no_kk = no_kk[:12] + f"{(int(no_kk[12:]) + copy * 991) % 10000:04d}"
    born = person.birth_date
    rt = f"{int(no_kk[-2:] or 0) % 12 + 1:03d}"
    return [
        dtks_id,
        nik,
        no_kk,
        person.name,
        "Laki-laki" if person.gender == "L" else "Perempuan",
        person.birth_place,
        born.strftime("%d-%m-%Y") if born else "",
        _RELATIONSHIP_TEXT.get(person.relationship, "Lainnya"),
        person.mother_name,
        f"JL. {person.desa} RT {rt}",
        f"DUSUN {rt[-1]}",
        rt,
        "001",
        person.desa,
        person.kecamatan,
        "BALANGAN",
        str(person.desil or ""),
    ]
