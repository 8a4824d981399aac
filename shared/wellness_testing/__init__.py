"""Test helpers for the library and its functions: fakes at the ports, and factories.

Never bundled into a deployment (packaging copies only the `wellness` package), and
shared by every test: `wellness_testing.fakes` holds the platform's fakes and one
module of fakes per domain; `wellness_testing.factories` builds valid events and
other values with defaults a test overrides; `wellness_testing.clocks` has the clocks
a test moves by hand.
"""
