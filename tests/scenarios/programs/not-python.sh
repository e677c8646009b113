#!/bin/sh
# Not an interpreter at all: it ignores its arguments and greets.
echo "hello from a shell script"
