#!/usr/bin/env node
// The installed command: runs the built program (dist/main.js).
import "../dist/main.js"
