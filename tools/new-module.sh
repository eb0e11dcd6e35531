#!/usr/bin/env bash
# Scaffold a built-in module package: tools/new-module.sh <name> "<one-line description>" [dep ...]
# Creates modules/<name>/{package.json,tsconfig.json,vitest.config.ts} and empty src/ and test/ (you
# write src/index.ts and README.md), and adds it to the root tsconfig references. Dependencies on other @tsips modules are optional
# arguments (they become package deps and TypeScript project references).
set -euo pipefail
name=$1; desc=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/modules/$name"
[ -e "$dir/package.json" ] && { echo "modules/$name exists" >&2; exit 1; }
mkdir -p "$dir/src" "$dir/test"
deps='"@tsips/core": "0.1.0"'; refs='{ "path": "../../core" }'
for d in "$@"; do deps="$deps, \"@tsips/$d\": \"0.1.0\""; refs="$refs, { \"path\": \"../$d\" }"; done
cat > "$dir/package.json" <<JSON
{
  "name": "@tsips/$name",
  "version": "0.1.0",
  "description": "$desc",
  "type": "module",
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": { ".": { "types": "./dist/index.d.ts", "default": "./dist/index.js" } },
  "files": ["dist", "README.md"],
  "scripts": { "build": "tsc -b", "test": "vitest run" },
  "dependencies": { $deps }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "references": [$refs]
}
JSON
echo "export { default } from '../../vitest.shared.js';" > "$dir/vitest.config.ts"
node -e '
const fs=require("fs"); const p=process.argv[1]; const t=JSON.parse(fs.readFileSync(p,"utf8"));
const ref={path:"modules/"+process.argv[2]}; if(!t.references.some(r=>r.path===ref.path)) t.references.push(ref);
fs.writeFileSync(p, JSON.stringify(t,null,2)+"\n");' "$root/tsconfig.json" "$name"
echo "modules/$name scaffolded"
