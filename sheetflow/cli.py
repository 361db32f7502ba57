"""The ``sheetflow`` command: each subcommand parses its options and calls one library function."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any

import click

from . import report
from .errors import SheetflowError
from .messages import render
from .runs import run_register

# The library is imported inside each command that needs it, not here: a cron sync that
# finds its register unchanged (see memo) finishes before the planner would have loaded.

# A configuration run in which one or more registers could not be synced (each reported).
FLEET_FAILED = 4


# The clocks a run can work with: any zone and the deadlines counted from them stay within
# the years a datetime can hold.
CLOCK_YEARS = range(1900, 9999)


def _parse_now(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
        year = moment.astimezone(UTC).year if moment.tzinfo else moment.year
    except ValueError:
        raise click.BadParameter(f"{value!r} bukan tanggal-waktu ISO seperti 2024-07-03T15:00+07:00") from None
    except OverflowError:
        year = 0
    if year not in CLOCK_YEARS:
        raise click.BadParameter(
            f"{value!r} di luar waktu yang dapat dipakai; tulis waktu antara tahun {CLOCK_YEARS.start} dan "
            f"{CLOCK_YEARS.stop - 1}"
        )
    return moment


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--lang, --now, --quiet and --json, shared by the commands that sync."""

    @click.option(
        "--lang",
        type=click.Choice(["id", "en"]),
        default="id",
        show_default=True,
        help="Language of the messages printed.",
    )
    @click.option(
        "--now",
        callback=_parse_now,
        metavar="ISO-DATETIME",
        help="The clock for this run (back-fills, tests); without a zone, the register's zone.",
    )
    @click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")
    @click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    return wrapper


def credentials_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--credentials for Google Sheets sources."""
    return click.option(
        "--credentials",
        type=click.Path(dir_okay=False),
        envvar="GOOGLE_APPLICATION_CREDENTIALS",
        help="Service-account key (JSON) for a Google Sheet; default $GOOGLE_APPLICATION_CREDENTIALS.",
    )(command)


def _fail_cleanly(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SheetflowError as exc:
            click.echo(f"sheetflow: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def _print(result: Any, lang: str, quiet: bool, as_json: bool, kind: str) -> None:
    form = report.form(kind, lang, quiet=quiet, as_json=as_json)
    text = report.shown(report.kept(result, form), form, source=result.source, now=result.now,
                        timezone=result.workflow.timezone, dry_run=result.dry_run)
    if text is not None:
        click.echo(text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sheetflow")
def cli() -> None:
    """Turn a spreadsheet into a working approval register (SOP 010/2024 and others)."""


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@_fail_cleanly
def init(path: str) -> None:
    """Create a new, empty register at PATH from the template."""
    from .api import init_register

    created = init_register(path)
    click.echo(render("out-initialised", "id", path=created))


def config_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--config for running every register of a configuration file."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="Configuration listing the registers (default ./sheetflow.toml); used when no SOURCE is given.",
    )(command)


def _run_config(
    config_file: str | None, *, dry_run: bool, lang: str, now: datetime | None, quiet: bool, as_json: bool
) -> None:
    # Imported here: a cron run on one file should not pay for the config, mail and webhook code.
    from . import logs
    from .config import load_config
    from .fleet import sync_all

    config = load_config(config_file)
    bar_wanted = sys.stderr.isatty() and not (quiet or as_json)
    logs.configure(config.log, quiet=quiet, progress_bar=bar_wanted)
    with click.progressbar(length=len(config.registers), label="sync", file=sys.stderr, hidden=not bar_wanted) as bar:
        run = sync_all(config, now=now, dry_run=dry_run, on_done=lambda outcome: bar.update(1),
                       form=report.form("fleet", lang, quiet=True, as_json=as_json))
    if as_json:
        click.echo(json.dumps(report.fleet_json(run, lang), ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo(report.fleet_summary(run, lang))
    if not run.ok:
        sys.exit(FLEET_FAILED)


def _run(
    source: str | None, config_file: str | None, *, write: bool, lang: str, now: datetime | None, quiet: bool,
    as_json: bool, credentials: str | None,
) -> bool:
    """One register synced (or checked) and its report printed: whether it changed something.
    Without a source, every register of the configuration file (exit 4 when one failed)."""
    if source is None:
        _run_config(config_file, dry_run=not write, lang=lang, now=now, quiet=quiet, as_json=as_json)
        return False
    form = report.form("summary" if write else "details", lang, quiet=quiet, as_json=as_json)
    shown = run_register(source, write=write, form=form, now=now, credentials=credentials)
    if shown.text is not None:
        click.echo(shown.text)
    return shown.changed


@cli.command()
@click.argument("source", required=False)
@click.option("--exit-code", is_flag=True, help="Exit 1 when sync would change something (like git diff).")
@output_options
@credentials_option
@config_option
@_fail_cleanly
def check(
    source: str | None,
    exit_code: bool,
    lang: str,
    now: datetime | None,
    quiet: bool,
    as_json: bool,
    credentials: str | None,
    config_file: str | None,
) -> None:
    """Dry run: show per row what sync would change and why. Writes nothing.

    SOURCE is an .xlsx file, or a Google Sheet as gsheet:ID or its URL; without it, every
    register of the configuration file."""
    changed = _run(source, config_file, write=False, lang=lang, now=now, quiet=quiet, as_json=as_json,
                   credentials=credentials)
    if exit_code and changed:
        sys.exit(1)


@cli.command()
@click.argument("source", required=False)
@output_options
@credentials_option
@config_option
@_fail_cleanly
def sync(
    source: str | None,
    lang: str,
    now: datetime | None,
    quiet: bool,
    as_json: bool,
    credentials: str | None,
    config_file: str | None,
) -> None:
    """Validate every row against the SOP, advance statuses and write notes, times and history.

    SOURCE is an .xlsx file, or a Google Sheet as gsheet:ID or its URL; without it, every
    register of the configuration file (exit 4 when any of them failed)."""
    _run(source, config_file, write=True, lang=lang, now=now, quiet=quiet, as_json=as_json, credentials=credentials)


@cli.command()
@click.argument("source")
@click.option(
    "--admin",
    "admins",
    multiple=True,
    metavar="EMAIL",
    help="Who may edit the system columns and Riwayat besides the service account (repeatable).",
)
@click.option("--warning-only", is_flag=True, help="Protect system columns with a warning instead of a lock.")
@credentials_option
@_fail_cleanly
def setup(source: str, admins: tuple[str, ...], warning_only: bool, credentials: str | None) -> None:
    """Prepare a Google Sheet (gsheet:ID or URL) like the template; safe to run again."""
    from .api import Connection, form_coverage, setup_register

    changes = setup_register(
        source, connection=Connection(credentials=credentials), admins=admins, warning_only=warning_only
    )
    click.echo(render("out-setup" if changes else "out-setup-nothing", "id", source=source, changes=changes))
    click.echo(form_coverage(source, connection=Connection(credentials=credentials)).message("id"))


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    from .cells import parse_date

    if value is None:
        return None
    parsed = parse_date(value)
    if isinstance(parsed, date):
        return parsed
    raise click.BadParameter(f"{value!r} bukan tanggal; tulis seperti 3 Juli 2024 atau 03/07/2024")


@cli.command(name="print")
@click.argument("source")
@click.option(
    "--dari", "start", callback=_parse_date, metavar="TANGGAL", help="First activity day (default: 1st of this month)."
)
@click.option(
    "--sampai", "end", callback=_parse_date, metavar="TANGGAL", help="Last activity day (default: end of that month)."
)
@click.option("--persetujuan", "approval", metavar="NO_REGISTER", help="Print the approval sheet of one item instead.")
@click.option("--kantor", "office", default="", help="The office's name for the masthead.")
@click.option("--output", default=".", type=click.Path(file_okay=False), show_default=True, help="Folder for the PDF.")
@click.option("--now", callback=_parse_now, metavar="ISO-DATETIME", help="The clock (printed-on date, this month).")
@credentials_option
@_fail_cleanly
def print_command(
    source: str,
    start: date | None,
    end: date | None,
    approval: str | None,
    office: str,
    output: str,
    now: datetime | None,
    credentials: str | None,
) -> None:
    """Write the paper copy of SOURCE as a PDF: the register for a period, or one approval sheet."""
    from .api import Connection, print_register

    path = print_register(
        source,
        output,
        start=start,
        end=end,
        approval=approval,
        office=office,
        now=now,
        connection=Connection(credentials=credentials),
    )
    click.echo(render("out-printed", "id", path=path))


@cli.command()
@click.argument("source")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True)
@credentials_option
@_fail_cleanly
def verify(source: str, lang: str, credentials: str | None) -> None:
    """Check that Riwayat was not edited by hand and every Status agrees with it (exit 1 if not)."""
    from .api import Connection, verify_register

    result = verify_register(source, connection=Connection(credentials=credentials))
    click.echo(report.verification(result, lang))
    if not result.intact:
        sys.exit(1)


@cli.command(name="report")
@click.argument("source")
@click.option("--now", callback=_parse_now, metavar="ISO-DATETIME", help="The clock for this report.")
@credentials_option
@_fail_cleanly
def report_command(source: str, now: datetime | None, credentials: str | None) -> None:
    """Print the Rekap tables of SOURCE (as sync would leave it); writes nothing."""
    from .api import Connection, report_register

    click.echo(report.table_text(report_register(source, now=now, connection=Connection(credentials=credentials))))


@cli.command()
@click.argument("directory", default="sheetflow-demo", type=click.Path(file_okay=False))
@output_options
@_fail_cleanly
def demo(directory: str, lang: str, now: datetime | None, quiet: bool, as_json: bool) -> None:
    """Copy the bundled demo register into DIRECTORY and sync it."""
    from .api import run_demo

    result = run_demo(directory, now=now)
    _print(result, lang, quiet, as_json, "details")
    if not (quiet or as_json):
        click.echo(render("out-demo", lang, path=result.source))


def main() -> None:
    cli(prog_name="sheetflow")
