#!/bin/bash
# mutation checks: each must make its test fail
cd /tmp/mut
f=engine/src/main/java/dev/writ/engine/json/JsonText.java
d=engine/src/main/java/dev/writ/engine/json/DecisionJson.java
r=engine/src/main/java/dev/writ/engine/entity/ResolvedTable.java
for x in $f $d $r; do cp $x $x.orig; done
check() { # $1 name $2 test
  timeout 400 mvn -B -ntp -o -q test -pl engine -Dtest=$2 -Dsurefire.failIfNoSpecifiedTests=false > /tmp/mut/$1.log 2>&1
  echo "$1: rc=$? $(grep -h 'Tests run:' engine/target/surefire-reports/*$2.txt | head -1)"
  for x in $f $d $r; do cp $x.orig $x; done
}
sed -i 's/0123456789ABCDEF/0123456789abcdef/' $f; check hex JsonTextProperties
sed -i 's/if (t == null || t.seconds() != seconds)/if (t == null)/' $d; check ttl JsonTextProperties
sed -i 's/        case .\\f. -> b\[n++\] = .f.;//' $f; grep -c "'f'" $f; check formfeed JsonTextProperties
sed -i 's/return typeNamesValid\[t\] ? t : -1;/return t;/' $r; check typename EntityStoreUidProperties
sed -i 's/if (ch > 0xFF) {/if (ch > 0xFFFF) {/' $r; check latin1 EntityStoreUidProperties
