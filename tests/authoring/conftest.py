from tests.itemanalysis.conftest import in_english, make_question, options, topic  # noqa: F401
