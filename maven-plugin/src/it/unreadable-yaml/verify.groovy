def log = new File(basedir, 'build.log').text
def broken = 'src/test/policy/broken_test.yaml'
def steps = 'src/test/policy/steps_test.yaml'

// each unreadable suite: the file, the line and what is wrong
assert log.contains("[ERROR] ERROR suite ${broken}:")
assert log.contains("[ERROR]   ${broken}:5: malformed YAML")
assert log.contains("[ERROR] ERROR suite ${steps}:")
assert log.contains("[ERROR]   ${steps}:8: scenarios[0].steps[1]: unknown step kind")
// the readable suite still ran
assert log.contains('[INFO] suite database access (')
assert log.contains(': 4 passed, 0 failed')
assert log.contains('[ERROR] policy tests: 4 passed, 0 failed, 2 errors')
// the failure message lists both
assert log.contains('There are policy test failures: 0 failures, 2 errors, 4 passed of 4 tests.')
assert log.contains("  ERROR suite ${broken}: ${broken}:5: malformed YAML")
assert log.contains('Rerun one case: mvn policy:test -Dpolicy.test="broken_test.yaml"')
assert log.contains('BUILD FAILURE')
assert !log.contains('Exception:') && !log.contains('\tat ') : 'no stack trace'

// the reports: an <error> per unreadable suite
def report = new groovy.xml.XmlSlurper().parse(new File(basedir, 'target/policy-reports/TEST-policy.broken_test.xml'))
assert report.@errors == '1'
assert report.testcase.error.@message.toString().startsWith("${broken}:5: malformed YAML")
assert new File(basedir, 'target/policy-reports/TEST-policy.steps_test.xml').isFile()
assert new File(basedir, 'target/policy-reports/TEST-policy.access_test.xml').isFile()
return true
