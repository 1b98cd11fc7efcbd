"""Synthetic but realistic council data in bulk: the load generator behind
`manage.py generate_load` and the benchmarks' council builder. Action texts, deadlines and
commentary are worded as council papers word them; everything is made with bulk inserts."""

from __future__ import annotations

import random

VOCABULARY = [  # label, RAG colour, started, complete: as in tests/conftest.py
    ("Not started", "grey", False, False),
    ("On track", "green", True, False),
    ("Delayed", "amber", True, False),
    ("Off track", "red", True, False),
    ("Complete", "blue", True, True),
]
DEPARTMENTS = [
    "Housing",
    "Strategy",
    "Planning",
    "Public Health",
    "Community Safety",
    "Environmental Services",
    "Economic Development",
    "Finance",
    "Human Resources",
    "Customer Services",
]
VERBS = [
    "Develop and publish",
    "Review and update",
    "Deliver",
    "Work with partners to deliver",
    "Introduce",
    "Extend",
    "Commission",
    "Consult residents on",
    "Implement",
    "Monitor the take-up of",
    "Promote",
    "Agree and adopt",
]
OBJECTS = [
    "a housing strategy for older and disabled residents",
    "the council's equality impact assessment process",
    "a programme of free health checks for people over 40",
    "the local plan's policies on affordable housing",
    "targeted support for households at risk of homelessness",
    "the community safety partnership's hate crime reporting scheme",
    "an apprenticeship scheme for young people not in education or employment",
    "the customer contact centre's opening hours and channels",
    "energy efficiency grants for private rented homes",
    "a food growing network with schools and community groups",
    "the workforce development plan for frontline staff",
    "the financial inclusion strategy and welfare rights advice",
    "a shared database of voluntary sector services",
    "neighbourhood clean-up days in the most deprived wards",
]
QUALIFIERS = [
    "in partnership with the voluntary and community sector",
    "so that services reflect the changing needs of the borough's communities",
    "and report progress to Cabinet each quarter",
    "across all council-run leisure centres and libraries",
    "using the findings of the 2015 residents' survey",
    "with a focus on wards in the most deprived 10% nationally",
    "within existing budgets",
    "and publish the results on the council's website",
]
HEADINGS = [
    "To consider the needs of diverse communities in developing council strategies",
    "To provide customer focussed and accessible services",
    "To improve the health and wellbeing of residents",
    "To increase the supply of affordable homes",
    "To support a strong and inclusive local economy",
    "To reduce crime and the fear of crime",
    "To develop a skilled and diverse workforce",
    "To protect and improve the local environment",
    "To make the council's decisions open and accountable",
    "To tackle poverty and financial exclusion",
]
DEADLINES = [
    "March 2016",
    "Q3 2016/17",
    "Ongoing",
    "2016/17",
    "December 2016",
    "31 March 2017",
    "Q1 2017/18",
    "June 2016 onwards",
    "Annually",
    "September 2017",
]
NOTES = [
    "consultation closed in June and responses are being analysed",
    "first phase delivered, second phase to start in the new year",
    "awaiting the outcome of the funding bid to central government",
    "report to Cabinet in the next quarter",
    "delayed by staff vacancies in the team",
    "procurement under way, contract to be awarded shortly",
    "pilot in two wards evaluated well and is being extended",
    "data sharing agreement with the NHS still to be signed",
]


def action_text(rng: random.Random) -> str:
    """An action as councils word them, 80 to 150 characters."""
    while True:
        text = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        for qualifier in rng.sample(QUALIFIERS, len(QUALIFIERS)):
            if len(text) >= 80 and rng.random() < 0.5:
                break
            if len(text) + len(qualifier) + 1 <= 150:
                text += f" {qualifier}"
        if 80 <= len(text) <= 150:
            return text


COMMENTARY = [
    "On track: {note}.",
    "Progress this quarter: {note}.",
    "Behind schedule because {note}; recovery plan agreed with the lead officer.",
    "Complete: {note}.",
    "{note}; next update due at the end of the quarter.",
]
WARDS = ["Central", "Northfield", "Riverside", "Eastgate", "Hillcrest", "Westmoor", "Southbank"]
BATCH = 5000


def create_statuses(council) -> list:
    """The generated councils' status vocabulary (VOCABULARY), in order."""
    from councils.models import Status

    statuses = []
    for order, (label, rag, started, complete) in enumerate(VOCABULARY):
        status = Status(
            council=council,
            label=label,
            rag=rag,
            is_started=started,
            is_complete=complete,
            order=order,
            default_percent=100 if complete else None,
        )
        status.save()  # save() keeps the complete/closed/started flags consistent
        statuses.append(status)
    return statuses


def generate(
    *, councils: int, plans: int, actions: int, updates: int, seed: int = 1, today=None, log=None
) -> dict[str, int]:
    """Councils, each with `plans` approved public plans of `actions` actions in ten
    workstreams, each action with `updates` approved quarterly updates (the latest becomes
    its current status), one officer per department and a plan manager. Returns counts."""
    import datetime
    import uuid

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from actionplans.deadlines import parse_deadline
    from actionplans.models import Action, ActionLead, Plan, ProgressUpdate, Workstream
    from actionplans.services import reporting_period_for
    from councils.models import Council, Department, Membership, User, Ward

    rng = random.Random(seed)
    today = today or timezone.localdate()
    say = log or (lambda message: None)
    counts = {"councils": 0, "plans": 0, "actions": 0, "updates": 0, "users": 0}
    password = make_password(None)  # generated officers cannot sign in until given one
    # Update dates: one a quarter, ending with the latest finished quarter.
    quarter_ends = []
    day = today
    for _ in range(updates):
        day = day.replace(day=1) - datetime.timedelta(days=1)
        while day.month % 3 != 0:
            day = day.replace(day=1) - datetime.timedelta(days=1)
        quarter_ends.append(day)
    quarter_ends.reverse()
    deadlines = {text: parse_deadline(text) for text in DEADLINES}

    for _ in range(councils):
        tag = uuid.uuid4().hex[:8]
        with transaction.atomic():
            council = Council.objects.create(
                name=f"Load Test Borough Council {tag}", slug=f"load-{tag}", kind="borough"
            )
            statuses = create_statuses(council)
            departments = Department.objects.bulk_create(
                Department(council=council, name=name) for name in DEPARTMENTS
            )
            wards = Ward.objects.bulk_create(Ward(council=council, name=n) for n in WARDS)
            users = User.objects.bulk_create(
                User(username=f"load-{tag}-{i}", job_title=f"Officer, {d.name}", password=password)
                for i, d in enumerate(departments)
            )
            manager = User.objects.create(
                username=f"load-{tag}-manager", job_title="Performance manager", password=password
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=u, council=council, role="officer", department=d)
                    for u, d in zip(users, departments, strict=True)
                ]
                + [Membership(user=manager, council=council, role="plan_manager")]
            )
            periods = {end: reporting_period_for(council, end) for end in quarter_ends}
        counts["councils"] += 1
        counts["users"] += len(users) + 1
        for p in range(plans):
            with transaction.atomic():
                plan = Plan.objects.create(
                    council=council,
                    title=f"{rng.choice(HEADINGS)} plan {p + 1}",
                    slug=f"plan-{p + 1}",
                    lifecycle="approved",
                    visibility="public",
                    period_start=quarter_ends[0] - datetime.timedelta(days=90)
                    if quarter_ends
                    else today,
                    lead_department=rng.choice(departments),
                )
                streams = Workstream.objects.bulk_create(
                    Workstream(plan=plan, title=heading, order=i)
                    for i, heading in enumerate(HEADINGS)
                )
                made = []
                for i in range(actions):
                    text = rng.choice(DEADLINES)
                    deadline = deadlines[text]
                    made.append(
                        Action(
                            plan=plan,
                            workstream=streams[i * len(streams) // max(actions, 1)],
                            reference=f"{i + 1}.",
                            order=i + 1,
                            title=action_text(rng),
                            deadline_text=text,
                            deadline_date=deadline.date,
                            deadline_precision=deadline.precision,
                            baseline_deadline_text=text,
                            baseline_deadline_date=deadline.date,
                            baseline_deadline_precision=deadline.precision,
                        )
                    )
                made = Action.objects.bulk_create(made, batch_size=BATCH)
                ActionLead.objects.bulk_create(
                    (
                        ActionLead(action=a, department=rng.choice(departments), order=0)
                        for a in made
                    ),
                    batch_size=BATCH,
                )
                Action.wards.through.objects.bulk_create(
                    (
                        Action.wards.through(action_id=a.pk, ward_id=rng.choice(wards).pk)
                        for a in made
                    ),
                    batch_size=BATCH,
                )
                history = []
                for action in made:
                    status = None
                    for end in quarter_ends:
                        status = rng.choices(statuses, weights=[1, 5, 2, 1, 2])[0]
                        note = rng.choice(NOTES)
                        history.append(
                            ProgressUpdate(
                                action=action,
                                period=periods[end],
                                reported_on=end,
                                author_title="Lead officer",
                                status=status,
                                percent_complete=100
                                if status.is_complete
                                else rng.randrange(0, 100, 5),
                                commentary=rng.choice(COMMENTARY).format(note=note).capitalize(),
                                created_at=timezone.make_aware(
                                    datetime.datetime.combine(end, datetime.time(12))
                                ),
                            )
                        )
                    if status is not None:
                        last = history[-1]
                        action.status = status
                        action.status_commentary = last.commentary
                        action.percent_complete = last.percent_complete
                        action.last_updated = last.reported_on
                    if len(history) >= BATCH:
                        ProgressUpdate.objects.bulk_create(history, batch_size=BATCH)
                        counts["updates"] += len(history)
                        history = []
                ProgressUpdate.objects.bulk_create(history, batch_size=BATCH)
                counts["updates"] += len(history)
                Action.objects.bulk_update(
                    made,
                    ["status", "status_commentary", "percent_complete", "last_updated"],
                    batch_size=BATCH,
                )
            counts["plans"] += 1
            counts["actions"] += len(made)
            say(
                f"{council.name}: plan {p + 1} of {plans}, {counts['actions']:,} actions, "
                f"{counts['updates']:,} updates so far"
            )
    return counts
