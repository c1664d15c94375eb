"""`python -m baotro_registry`: serve the registry on its port (8001)."""

from baotro_registry.bootstrap import create_app
from baotro_registry.settings import RegistrySettings
from baotro_shared.serve import serve


def main() -> None:
    serve(RegistrySettings(), create_app)


if __name__ == "__main__":
    main()
