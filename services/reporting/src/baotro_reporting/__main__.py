"""`python -m baotro_reporting`: serve the reporting service on its port."""

from baotro_reporting.bootstrap import create_app
from baotro_reporting.settings import ReportingSettings
from baotro_shared.serve import serve


def main() -> None:
    serve(ReportingSettings(), create_app)


if __name__ == "__main__":
    main()
