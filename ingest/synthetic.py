"""Synthetic rosters in the standard templates, shaped like Lucheng district.

Names are invented; ID numbers and credit codes carry valid check characters but
belong to nobody.  The same ``people`` and ``seed`` give the same files, byte for byte,
so the committed sample in ``data/sample/`` can be checked against its generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from graph.ontology import Ontology
from graph.values import credit_check_char, id_check_digit
from ingest import lucheng as world
from ingest.templates import columns

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PHONE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "157", "158", "159", "177", "187", "188", "199")
FIRST_DAY, LAST_DAY = dt.date(2024, 1, 1), dt.date(2026, 10, 31)


class Generator:
    def __init__(self, people: int, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.people = people
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.sequence = defaultdict(int)
        self.home_base: dict[str, str] = {}

    # -- small helpers ----------------------------------------------------------------

    def next_id(self, prefix: str, width: int = 4) -> str:
        self.sequence[prefix] += 1
        return f"{prefix}{self.sequence[prefix]:0{width}d}"

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def written(self, day: dt.date) -> str:
        """Dates as staff write them: mostly ISO, now and then 2024/3/5 or 2024年3月5日."""
        style = self.rng.random()
        if style < 0.1:
            return f"{day.year}/{day.month}/{day.day}"
        if style < 0.15:
            return f"{day.year}年{day.month}月{day.day}日"
        return day.isoformat()

    def relate(self, source, type_, target, **props) -> None:
        self.rows["relationships"].append({"source": source, "type": type_, "target": target, **props})

    def name(self) -> str:
        given = "".join(self.rng.choice(world.GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(world.SURNAMES) + given

    def id_number(self, birth_year: int, gender: str) -> str:
        birth = self.day(dt.date(birth_year, 1, 1), dt.date(birth_year, 12, 28))
        sequence = self.rng.randrange(100)
        sex_digit = self.rng.choice("13579" if gender == "男" else "02468")
        first17 = f"330302{birth:%Y%m%d}{sequence:02d}{sex_digit}"
        return first17 + id_check_digit(first17)

    def credit_code(self) -> str:
        body = "".join(self.rng.choice(CREDIT_CHARS) for _ in range(9))
        first17 = f"91330302{body}"
        return first17 + credit_check_char(first17)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    # -- the dataset ----------------------------------------------------------------

    def generate(self) -> dict[str, list[dict]]:
        self.places()
        liaisons = self.liaisons(max(9, self.people * 6 // 100))
        experts = self.experts(max(5, self.people // 10))
        members = self.members(self.people - len(liaisons) - len(experts))
        self.liaison_system(liaisons, members)
        self.activities(members, experts, liaisons)
        self.seat_holders(members)
        self.voices(members)
        self.services(experts)
        self.honours(members)
        self.base_figures()
        return dict(self.rows)

    def places(self) -> None:
        self.rows["regions"].append({"id": world.DISTRICT[0], "name": world.DISTRICT[1]})
        for rid, name in world.TOWNS:
            self.rows["regions"].append({"id": rid, "name": name, "parent": world.DISTRICT[1]})
        for bid, name, category, level, town, host, established, *_ in world.BASES:
            self.rows["bases"].append(
                {
                    "id": bid,
                    "name": name,
                    "category": category,
                    "level": level,
                    "region": town,
                    "host": host,
                    "established": established,
                }
            )
        for oid, name, kind, town in world.ORGANIZATIONS:
            self.rows["organizations"].append({"id": oid, "name": name, "kind": kind, "region": town})
        partners = [("B02", "O09"), ("B02", "O10"), ("B01", "O12"), ("B08", "O11"), ("B06", "O13"), ("B05", "O14")] + [
            (b[0], "O02") for b in world.BASES[:8]
        ]
        for base, org in partners:
            self.relate(base, "共建", org, since=self.written(self.day(dt.date(2022, 1, 1), dt.date(2024, 6, 30))))
        self.enterprises = defaultdict(list)
        for bid, _, _, _, town, _, established, industries, _ in world.BASES:
            for _ in range(max(2, self.people // 60)):
                self.enterprise(bid, town, self.rng.choice(industries), established)

    def enterprise(self, base: str, town: str, industry: str, established: str) -> None:
        eid = self.next_id("E")
        suffix = world.ENTERPRISE_SUFFIX[industry]
        kind = "工作室" if suffix.endswith("工作室") else self.rng.choice(["企业", "企业", "企业", "团队"])
        name = f"温州{self.rng.choice(world.ENTERPRISE_WORDS)}{self.rng.choice(world.ENTERPRISE_WORDS)}{suffix}"
        self.rows["enterprises"].append(
            {
                "id": eid,
                "name": name,
                "credit_code": self.credit_code(),
                "industry": industry,
                "region": town,
                "kind": kind,
            }
        )
        since = self.day(dt.date.fromisoformat(established), dt.date(2025, 12, 31))
        self.relate(eid, "入驻", base, since=self.written(since))
        self.enterprises[base].append((eid, industry))

    def person(self, roles: str, born: tuple[int, int], **extra) -> dict:
        gender = self.rng.choice("男女")
        year = self.rng.randint(*born)
        row = {
            "id": self.next_id("P"),
            "name": self.name(),
            "roles": roles,
            "gender": gender,
            "birth_year": year,
            "id_number": self.id_number(year, gender),
            "phone": self.phone(),
            "region": self.rng.choice(world.TOWNS)[1],
            "political_status": self.rng.choice(world.POLITICAL),
            **extra,
        }
        self.rows["people"].append(row)
        return row

    def liaisons(self, count: int) -> list[dict]:
        found = []
        for i in range(count):
            if i < len(world.LIAISON_TITLES):
                title, department = world.LIAISON_TITLES[i]
            else:
                town = world.TOWNS[(i - len(world.LIAISON_TITLES)) % len(world.TOWNS)][1]
                title, department = "党工委书记" if town.endswith("街道") else "党委书记", f"{town}党工委"
            found.append(
                self.person("联系领导", (1966, 1984), title=title, department=department, political_status="中共党员")
            )
        return found

    def experts(self, count: int) -> list[dict]:
        found = []
        for _ in range(count):
            field = self.rng.choice(world.EXPERT_FIELDS)
            roles = "专家、新阶层人士" if self.rng.random() < 0.15 else "专家"
            extra = {"stratum": world.STRATA[1], "industry": "法律服务"} if "新阶层" in roles else {}
            row = self.person(roles, (1960, 1992), field=field, **extra)
            found.append(row)
            employer = self.rng.choice(["O09", "O10", "O11", "O13"]) if field in ("高校教师", "科学家") else None
            if employer is None:
                base = self.rng.choice(world.BASES)[0]
                employer = self.rng.choice(self.enterprises[base])[0]
            self.relate(row["id"], "任职", employer, role=field)
            for target in self.rng.sample([b[0] for b in world.BASES], self.rng.randint(1, 3)):
                self.relate(
                    row["id"],
                    "服务",
                    target,
                    role=f"{field}服务",
                    since=self.written(self.day(dt.date(2022, 1, 1), dt.date(2025, 12, 31))),
                )
        return found

    def members(self, count: int) -> list[dict]:
        found = []
        for _ in range(count):
            base = self.rng.choice(world.BASES)
            enterprise, industry = self.rng.choice(self.enterprises[base[0]])
            representative = self.rng.random() < 0.2
            seats = (
                "、".join(self.rng.sample(world.SEATS, self.rng.choice((1, 1, 2))))
                if representative and self.rng.random() < 0.45
                else ""
            )
            row = self.person(
                "新阶层人士",
                (1975, 2002),
                stratum=self.rng.choice(world.STRATA),
                industry=industry,
                representative="是" if representative else "否",
                seats=seats,
            )
            self.home_base[row["id"]] = base[0]
            found.append(row)
            since = self.day(dt.date.fromisoformat(base[6]), dt.date(2025, 12, 31))
            ended = self.rng.random() < 0.04
            self.relate(
                row["id"],
                "成员",
                base[0],
                role=self.rng.choice(world.MEMBER_ROLES),
                since=self.written(since),
                until=self.written(self.day(since, dt.date(2026, 6, 30))) if ended else "",
            )
            if self.rng.random() < 0.1:
                other = self.rng.choice(world.BASES)[0]
                if other != base[0]:
                    self.relate(row["id"], "成员", other, role="成员", since=self.written(since))
            self.relate(row["id"], "任职", enterprise, role=self.rng.choice(world.POSITIONS))
        for a, b in zip(found, found[1:]):
            if self.home_base[a["id"]] == self.home_base[b["id"]] and self.rng.random() < 0.5:
                self.relate(a["id"], "认识", b["id"], note="同一同心荟")
        return found

    def liaison_system(self, liaisons: list[dict], members: list[dict]) -> None:
        for i, (bid, *_rest) in enumerate(world.BASES):
            if bid in ("B14", "B17"):
                continue  # two young bases still wait for a responsible leader
            self.relate(liaisons[i % len(liaisons)]["id"], "负责联系", bid, since="2024-01-01")
        representatives = [m for m in members if m["representative"] == "是"]
        for i, person in enumerate(representatives):
            if i % 11 == 10:
                continue  # not yet listed with any leader
            # the department head carries a dozen, more than anyone should (load > 8)
            liaison = liaisons[0] if i % 3 == 0 and i < 36 else self.rng.choice(liaisons[1:])
            since = self.day(dt.date(2023, 1, 1), dt.date(2025, 6, 30))
            until = self.written(dt.date(2025, 12, 31)) if i % 13 == 12 else ""
            self.relate(liaison["id"], "列名联系", person["id"], since=self.written(since), until=until)
            days = {self.day(max(since, FIRST_DAY), LAST_DAY) for _ in range(self.rng.choice((0, 1, 2, 2, 3, 4)))}
            for day in sorted(days):  # a contact is identified by leader, person and date
                self.rows["contacts"].append(
                    {
                        "date": self.written(day),
                        "liaison": liaison["id"],
                        "person": person["id"],
                        "method": self.rng.choice(["慰问", "走访", "电话", "活动", "座谈"]),
                        "note": self.rng.choice(
                            ["了解企业经营情况", "听取意见建议", "节日慰问", "邀请参加同心荟活动", "宣讲政策"]
                        ),
                    }
                )

    def activities(self, members: list[dict], experts: list[dict], liaisons: list[dict]) -> None:
        by_base = defaultdict(list)
        for member in members:
            by_base[self.home_base[member["id"]]].append(member)
        for bid, *_rest in world.BASES:
            for _ in range(max(3, self.people // 150)):
                title, kind = self.rng.choice(world.ACTIVITY_KINDS)
                aid = self.next_id("A")
                day = self.day(FIRST_DAY, LAST_DAY)
                self.rows["activities"].append(
                    {
                        "id": aid,
                        "name": f"{title}（{day.year}年第{aid[-2:]}期）",
                        "date": self.written(day),
                        "kind": kind,
                        "base": bid,
                    }
                )
                pool = by_base[bid]
                for person in self.rng.sample(pool, min(len(pool), self.rng.randint(3, 12))):
                    self.relate(person["id"], "参加", aid, role="参加者")
                if experts:
                    self.relate(self.rng.choice(experts)["id"], "参加", aid, role="主讲人")
                if self.rng.random() < 0.4:
                    self.relate(self.rng.choice(liaisons)["id"], "参加", aid, role="嘉宾")

    def seat_holders(self, members: list[dict]) -> None:
        """As many deputies and CPPCC members as the seed's 27 in 400 people, among the
        representatives; drawn apart from the main stream so the rest of the sample stays put."""
        rng = random.Random(self.seed + 27)
        wanted = max(1, round(self.people * 27 / 400))
        representatives = [m for m in members if m["representative"] == "是"]
        seated = [m for m in representatives if m["seats"]]
        for member in rng.sample(seated, max(0, len(seated) - wanted)):
            member["seats"] = ""
        unseated = [m for m in representatives if not m["seats"]]
        for member in rng.sample(unseated, min(len(unseated), max(0, wanted - len(seated)))):
            member["seats"] = "、".join(rng.sample(world.SEATS, rng.choice((1, 1, 2))))

    def voices(self, members: list[dict]) -> None:
        """参政议政: each deputy or CPPCC member writes a proposal or two a year, some co-signed;
        a deputy's are 建议 to the 人大, a CPPCC member's 提案 to the 政协, anyone's a 课题报告 or
        社情民意信息; some concern the author's own base."""
        seated = [m for m in members if m.get("seats")]
        for year in (2023, 2024, 2025):
            for author in seated:
                own = [k for k in world.PROPOSAL_KINDS if k[1] in author["seats"]]
                kinds = own * 2 + [k for k in world.PROPOSAL_KINDS if k[1] == "党派"]
                for _ in range(self.rng.choice((1, 2, 2, 3))):
                    title, topic = self.rng.choice(world.PROPOSAL_TOPICS)
                    kind, body = self.rng.choice(kinds)
                    signers = [author] + self.rng.sample(seated, self.rng.choice((0, 0, 1, 2)))
                    self.rows["proposals"].append(
                        {
                            "id": self.next_id("Y"),
                            "name": f"{title}（{year}）",
                            "kind": kind,
                            "year": year,
                            "channel": self.rng.choice(world.CHANNELS),
                            "body": body,
                            "topic": topic,
                            "status": self.rng.choice(world.PROPOSAL_STATUS),
                            "date": self.written(self.day(dt.date(year, 1, 10), dt.date(year, 11, 30))),
                            "summary": f"{author['name']}等经调研提出，{topic}方面……"
                            if self.rng.random() < 0.3
                            else "",
                            "authors": "、".join(dict.fromkeys(s["id"] for s in signers)),
                            "concerns": self.home_base[author["id"]] if self.rng.random() < 0.4 else "",
                        }
                    )

    def services(self, experts: list[dict]) -> None:
        """The 三师 serve enterprises through the bases (「三师」礼包): who asked, who served, solved or not."""
        masters = [e for e in experts if e.get("field") in world.THREE_MASTERS] or experts
        for year in (2023, 2024, 2025):
            served: set[str] = set()
            for _ in range(max(12, self.people * 2 // 11)):
                bid = self.rng.choice(world.BASES)[0]
                enterprise, _ = self.rng.choice(self.enterprises[bid])
                if enterprise in served and self.rng.random() < 0.8:  # most enterprises ask once a year
                    enterprise, _ = self.rng.choice(self.enterprises[bid])
                served.add(enterprise)
                matter, kind = self.rng.choice(world.SERVICE_MATTERS)
                solved = self.rng.random() < 0.5
                provider = self.rng.choice(masters)
                self.rows["service_cases"].append(
                    {
                        "id": self.next_id("S"),
                        "name": matter,
                        "date": self.written(self.day(dt.date(year, 1, 5), dt.date(year, 12, 20))),
                        "kind": kind,
                        "status": "已解决" if solved else "跟进中",
                        "value": self.rng.choice((2000, 5000, 8000, 10000, 20000)),
                        "requester": enterprise,
                        "note": f"{provider['name']}{provider['field']}上门对接，企业负责人当面反映情况"
                        if self.rng.random() < 0.4
                        else "",
                        "provider": provider["id"],
                        "base": bid,
                    }
                )

    def honours(self, members: list[dict]) -> None:
        for _ in range(max(5, self.people // 24)):
            title, level = self.rng.choice(world.AWARDS)
            year = self.rng.choice((2023, 2024, 2025))
            self.rows["awards"].append(
                {
                    "id": self.next_id("H"),
                    "name": title,
                    "level": level,
                    "year": year,
                    "winners": self.rng.choice(members)["id"],
                }
            )

    def base_figures(self) -> None:
        """What each base reports of itself, with its source: kept apart from what the graph counts."""
        for bid, name, category, *_rest in world.BASES:
            for metric, unit, low, high in world.FIGURES[category]:
                for year in (2024, 2025):
                    self.rows["base_figures"].append(
                        {
                            "id": self.next_id("F"),
                            "name": f"{name}{year}年{metric}",
                            "base": bid,
                            "period": str(year),
                            "metric": metric,
                            "value": str(self.rng.randint(low, high)),
                            "unit": unit,
                            "source": f"{name}{year}年度工作报告",
                        }
                    )


def generate(people: int = 400, seed: int = 2024) -> dict[str, list[dict]]:
    """Rows per template name, keyed by English column names."""
    return Generator(people, seed).generate()


PART_ROWS = 500_000  # rows per file: a roster past it is written in numbered parts, as offices split them


def write_dataset(onto: Ontology, rows: dict[str, list[dict]], out: Path, part_rows: int = PART_ROWS) -> list[Path]:
    """One UTF-8 CSV (with BOM, as Excel likes) per template, Chinese file names and headers; a
    template with more than ``part_rows`` rows goes into 人员-1.csv, 人员-2.csv, … so that each file
    stays within what one roster file may hold (``ingest.readers.ReadLimits``)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, template in onto.templates.items():
        if not rows.get(name):
            continue
        cols = list(columns(onto, template).values())
        parts = [rows[name][start : start + part_rows] for start in range(0, len(rows[name]), part_rows)]
        for number, part in enumerate(parts, start=1):
            path = out / (f"{template.zh}.csv" if len(parts) == 1 else f"{template.zh}-{number}.csv")
            with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow([c.zh for c in cols])
                writer.writerows([row.get(c.name, "") for c in cols] for row in part)
            written.append(path)
    return written
