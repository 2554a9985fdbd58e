#!/usr/bin/env node
// React's development build checks and logs on every render; a DBA's cockpit runs the production one.
// Set before anything imports React, hence the dynamic import.
process.env.NODE_ENV ??= 'production';
await import('./main.js');
