import sys
def test_x() -> None:
    m = sys.modules["services.donations.tests.unit.domain"]
    print(m, getattr(m, "__path__", None), sys.path[:4])
    from services.donations.tests.unit.domain import planted_statement
    print(planted_statement)
    assert False
