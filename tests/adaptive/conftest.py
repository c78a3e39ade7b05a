from tests.practice.conftest import bank  # noqa: F401  (one question of each type)
