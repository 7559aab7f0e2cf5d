import groovy.json.JsonSlurper

def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 5 : "expected 5 Maven runs in build.log, found ${runs.size()}"

// 1: the baseline bundle is installed, so that it resolves by its coordinates
def run = runs[0]
assert run.contains('BUILD SUCCESS')
def installed = new File(basedir, '../../local-repo/it/writ/impact/1.0/impact-1.0.wbundle')
assert installed.isFile() : "baseline not installed at ${installed}"

// 2: the change widens access: the log names the request, what changed and the rule; the build fails
run = runs[1]
assert run.contains('[INFO] Baseline: it.writ:impact:1.0 (')
assert run.contains('[INFO] 4 requests replayed: 1 changed (1 widened, 0 narrowed, 0 other)')
assert run.contains('[INFO] WIDENED  access_test.yaml: sales cannot read prod')
assert run.contains('[INFO]   Employee::eve db:select on Database::orders')
assert run.contains('[INFO]   decision: deny -> permit')
assert run.contains('[INFO]   rules: started acme.staff_read')
assert run.contains('The policy change fails failOn=widen: 1 request widened')
assert run.contains('access_test.yaml: sales cannot read prod: Employee::eve db:select on Database::orders (rules: acme.staff_read)')
assert run.contains('BUILD FAILURE')
assert !run.contains('\tat ') : 'no stack trace'
def json = new JsonSlurper().parse(new File(basedir, 'target/policy-reports/impact.json'))
assert json.widens == true
assert json.changed == 1
assert json.changes[0].rules.started == ['acme.staff_read']
def md = new File(basedir, 'target/policy-reports/impact.md').text
assert md.startsWith('### Policy impact\n\n**4 requests replayed: 1 changed (1 widened, 0 narrowed, 0 other)**')
assert md.contains('| widened | `Employee::eve db:select on Database::orders`<br>access_test.yaml: sales cannot read prod | decision: deny -> permit | started acme.staff_read |')

// 3: a refactoring: same decisions, the build passes and says so
run = runs[2]
assert run.contains('[INFO] No change: 4 requests replayed, every one decided the same by the old and the new policies.')
assert run.contains('BUILD SUCCESS')
json = new JsonSlurper().parse(new File(basedir, 'target/refactored-reports/impact.json'))
assert json.changed == 0 && json.widens == false

// 4: a baseline that cannot be resolved
run = runs[3]
assert run.contains('Cannot resolve the baseline bundle it.writ:impact:wbundle:0.9 from the project\'s repositories')
assert run.contains('BUILD FAILURE')
assert !run.contains('\tat ') : 'no stack trace'

// 5: a bundle file as the baseline; without failOn a widening is reported and the build passes
run = runs[4]
assert run.contains('[INFO] Baseline: target/impact-1.0.wbundle')
assert run.contains('[INFO] WIDENED  access_test.yaml: sales cannot read prod')
assert run.contains('BUILD SUCCESS')
return true
