package models_test

import "stepwise/models/demo"

// smallDemo is a database's worth of demo data small enough for a test.
var smallDemo = demo.Options{Users: 5, Guides: 2, Steps: 3, Progress: 0.5, Password: "demo-password"}
