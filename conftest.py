"""Repository-wide pytest configuration for the suite's own tests.

The conformance plugin (``conformance.pytest_plugin``) is installed with the package and loads on
its own; it also registers the Hypothesis profiles (``conformance.profiles``). Here we only add
pytester, which the plugin's integration tests drive.
"""

pytest_plugins = ["pytester"]
