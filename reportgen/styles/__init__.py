"""Bundled style profiles (YAML); reportgen.writers.style reads them."""
