"""sitegen: turns the plans in `content/` into the public static site."""
