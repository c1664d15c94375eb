"""`python -m baotro_donations`: serve the donations service on its port."""

from baotro_donations.bootstrap import create_app
from baotro_donations.settings import DonationsSettings
from baotro_shared.serve import serve


def main() -> None:
    serve(DonationsSettings(), create_app)


if __name__ == "__main__":
    main()
