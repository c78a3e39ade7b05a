"""What each app holds about a person, so that export and erasure miss nothing.

Each app that stores personal data says so in a `personal_data.py` module,
found at start-up as Django's admin finds `admin.py`:

    from quizapp.privacy.registry import PersonalData, register

    register(PersonalData(
        name="answers",                  # the file name in the export
        label=_("Your answers"),         # shown on the account page
        export=answers_of,               # user -> list of flat dicts (JSON-safe)
        erase=anonymise_answers,         # user -> rows changed, in the deletion's transaction
    ))

Erasure runs in the reverse order of registration (INSTALLED_APPS order), so
an app erases before the apps it builds on: the adaptive engine's cards go
before practice detaches the learner they hang on, and the account goes last.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

Rows = list[dict]


@dataclass(frozen=True)
class PersonalData:
    name: str
    label: str
    export: Callable[..., Rows]
    # Rows it changed or removed; None when the account's own deletion removes them.
    erase: Callable[..., int] | None = None
    # Files kept about the person, as (path in the archive, bytes): lab mail, uploads.
    files: Callable[..., Iterable[tuple[str, bytes]]] | None = None
    # What happens on deletion, for the privacy page and the account page.
    on_delete: str = ""


_sources: dict[str, PersonalData] = {}


def register(source: PersonalData) -> None:
    """Add a kind of personal data; a second registration under one name replaces the first."""
    _sources[source.name] = source


def sources() -> list[PersonalData]:
    """Return every registered kind of personal data, in registration order."""
    return list(_sources.values())


def autodiscover() -> None:
    autodiscover_modules("personal_data")
