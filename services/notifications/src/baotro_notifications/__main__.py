"""`python -m baotro_notifications`: serve the notifications service on its port."""

from baotro_notifications.bootstrap import create_app
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.serve import serve


def main() -> None:
    serve(NotificationsSettings(), create_app)


if __name__ == "__main__":
    main()
