def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 2 : "expected 2 Maven runs in build.log, found ${runs.size()}"

def run = runs[0]
assert run.contains('[INFO] policy tests: 2 passed, 0 failed')
assert run.contains('[INFO] rule coverage: 1 of 2 rules seen both applying and not applying (50.0%)')
assert run.contains('Rule coverage checks have not been met: 50.0% of the rules were seen both applying and not applying, below the minimum of 80.0% (policy.coverage.minimum).')
assert run.contains('  acme.no_prod_writes (') && run.contains('access.policy:12:8): no case made it apply')
assert run.contains('no case made it apply')
assert run.contains('BUILD FAILURE')

run = runs[1]
assert run.contains('[INFO] Rule coverage 50.0% meets the minimum of 50.0%.')
assert run.contains('BUILD SUCCESS')

return true
