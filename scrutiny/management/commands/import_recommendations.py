"""Import a scrutiny report's recommendations and the executive's responses.

python manage.py import_recommendations FILE --council SLUG --title "..." --date 2014-03-10
    [--committee NAME | --body "Welfare reforms scrutiny panel"] [--sheet NAME]
    [--map "Accepted in principle=In part"] [--user USERNAME] [--dry-run]

Prints what it read, or every problem with its row and column; writes all or nothing.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from councils.models import Council, User
from scrutiny.imports import create_register, parse_register
from scrutiny.models import ResponseOption
from spreadsheets.reading import ImportProblem, read_table


class Command(BaseCommand):
    help = "Import scrutiny recommendations and responses from an .xlsx or .csv file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--council", required=True, help="The council's slug.")
        parser.add_argument("--title", required=True, help="The scrutiny report's title.")
        parser.add_argument("--date", help="The report's date, YYYY-MM-DD (default: today).")
        parser.add_argument("--committee", help="The committee that made them, by name.")
        parser.add_argument("--body", default="", help="The panel, if not a committee.")
        parser.add_argument("--sheet", help="The sheet to read (default: the first).")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="WORD=RESPONSE",
            help="What a response word means, e.g. 'Accepted in principle=In part'.",
        )
        parser.add_argument("--user", help="Username recorded as importing it.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")

    def handle(self, *args, **options) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council with slug '{options['council']}'.")
        try:
            date = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(
                f"--date {options['date']!r} is not a date such as 2014-03-10."
            ) from error
        committee = None
        if options["committee"]:
            committee = council.committees.filter(name__iexact=options["committee"]).first()
            if committee is None:
                names = ", ".join(council.committees.values_list("name", flat=True)) or "none"
                raise CommandError(
                    f"No committee '{options['committee']}'. The council's: {names}."
                )
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'.")
        word_map = self._word_map(council, options["map"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            table = read_table(path.read_bytes(), path.name, sheet=options["sheet"])
            parsed = parse_register(table, council, word_map=word_map)
        except ImportProblem as problem:
            raise CommandError(problem.message) from problem
        for note in table.notes + parsed.skipped:
            self.stdout.write(note)
        for item in parsed.recommendations:
            response = (
                item.response.label
                if item.response
                else (
                    f"“{item.response_word}” (unknown)" if item.response_word else "no response yet"
                )
            )
            self.stdout.write(f"Row {item.row}: {item.reference}. {item.text[:70]} – {response}")
        if parsed.unknown_words:
            labels = ", ".join(o.label for o in ResponseOption.for_council(council))
            lines = [
                f"  “{word}” (rows {', '.join(map(str, rows))})"
                for word, rows in parsed.unknown_words.items()
            ]
            raise CommandError(
                "These responses are not in the council's vocabulary "
                f'({labels}); say what each means with --map "WORD=RESPONSE":\n' + "\n".join(lines)
            )
        summary = ", ".join(f"{label} {count}" for label, count in parsed.counts())
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: {len(parsed.recommendations)} recommendations ({summary}); "
                "nothing saved."
            )
            return
        with transaction.atomic():
            source = create_register(
                parsed,
                council,
                by=user,
                title=options["title"],
                committee=committee,
                body=options["body"],
                date=date or datetime.date.today(),
            )
        self.stdout.write(
            f"Imported {len(parsed.recommendations)} recommendations ({summary}) "
            f"as “{source.title}”."
        )

    def _word_map(self, council: Council, pairs: list[str]) -> dict:
        options = {o.label.lower(): o for o in ResponseOption.for_council(council)}
        result = {}
        for pair in pairs:
            word, _, meaning = pair.partition("=")
            option = options.get(meaning.strip().lower())
            if not word.strip() or option is None:
                labels = ", ".join(o.label for o in options.values())
                raise CommandError(f"--map {pair!r}: use WORD=RESPONSE, RESPONSE one of {labels}.")
            result[word.strip()] = option
        return result
