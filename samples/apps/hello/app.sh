#!/bin/sh
echo "hello from a cnbfarm sample app"
