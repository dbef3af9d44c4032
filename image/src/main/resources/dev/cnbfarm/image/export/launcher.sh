#!/bin/sh
# cnbfarm-sh launcher, version 3: cnbfarm's own /cnb/lifecycle/launcher, exported when the builder
# ships none. It needs only a POSIX /bin/sh in the run image (no awk, sed, cat or TOML parser).
#
# What it does (platform.md "Launch", buildpack.md "Environment"):
#   1. picks the process as the reference launcher does: the link's name when started as
#      /cnb/process/<type> (a symlink to this script), else CNB_PROCESS_TYPE, else the first
#      argument when it names a type; other arguments are a custom command; with no arguments at
#      all, the default process type;
#   2. for each buildpack in group order and each of its launch layers (sorted): bin -> PATH,
#      lib -> LD_LIBRARY_PATH, then env/, env.launch/ and env.launch/<process>/ files
#      (NAME, NAME.override, NAME.default, NAME.append, NAME.prepend, NAME.delim);
#   3. runs each launch layer's exec.d/* then exec.d/<process>/* programs and exports the variables
#      each writes to file descriptor 3 as TOML (NAME = "value" lines; basic strings only);
#   3b. for a process run through a shell (direct = false) or a custom command, sources each launch
#      layer's profile.d/* then profile.d/<process>/*, then <app>/.profile (a direct process gets
#      none: the reference launcher sources profiles only in its shell launch, launch/shell.go);
#   4. cd to the process's working-dir (default: the app dir) and execs the command with the process
#      args and the user's ("$@") combined as the reference launcher combines them; a process with
#      direct = false (Buildpack API < 0.9) runs through bash (else /bin/sh) -c as the reference's.
#
# It reads the plain-text process table the cnbfarm exporter writes next to metadata.toml:
#   <layers>/config/buildpacks                     escaped buildpack dirs in group order, one a line
#   <layers>/config/default-process                the default process type (absent: none)
#   <layers>/config/processes/<type>/command       the command, one element a line
#   <layers>/config/processes/<type>/args          the args, one a line
#   <layers>/config/processes/<type>/direct        "true": exec the command; else run it with a shell
#   <layers>/config/processes/<type>/working-dir   absent: the app dir
#   <layers>/config/processes/<type>/exec-env      the execution environments it is for, one a line
#                                                  (absent: all); from Platform API 0.15 a process
#                                                  whose list lacks CNB_EXEC_ENV (default
#                                                  "production") and "*" is not started
#   <layers>/config/processes/<type>/buildpack-api below 0.9: user args follow the process args
# Env file values lose their trailing newlines (as shell command substitution does).
# Failures to launch exit 82, the reference lifecycle's code for a failed launch.

layers_dir=${CNB_LAYERS_DIR:-/layers}
app_dir=${CNB_APP_DIR:-/workspace}
config_dir=$layers_dir/config

fail() {
  printf 'ERROR: launcher: %s\n' "$*" >&2
  exit 82
}

# read_value FILE: sets 'value' to the file's content without its trailing newlines.
read_value() {
  value=
  _rv_lines=
  while IFS= read -r _rv_line || [ -n "$_rv_line" ]; do
    value=$value$_rv_lines$_rv_line
    _rv_lines=
    # keep newlines between lines, not after the last one
    _rv_lines='
'
  done <"$1"
  # blank lines at the end were added to the value; drop them
  while :; do
    case $value in
      *'
') value=${value%?} ;;
      *) break ;;
    esac
  done
}

# valid_name NAME: true for a shell-safe environment variable name.
valid_name() {
  case $1 in
    '' | [!A-Za-z_]* | *[!A-Za-z0-9_]*) return 1 ;;
  esac
  return 0
}

# prepend_path VAR DIR: VAR=DIR:$VAR (DIR alone when VAR is empty).
prepend_path() {
  eval "_pp_old=\${$1-}"
  if [ -n "$_pp_old" ]; then
    export "$1=$2:$_pp_old"
  else
    export "$1=$2"
  fi
}

# apply_env_dir DIR: applies the env files of DIR (buildpack.md "Environment Variable
# Modification Rules"); a file without a suffix overrides.
apply_env_dir() {
  [ -d "$1" ] || return 0
  for _ae_file in "$1"/*; do
    [ -f "$_ae_file" ] || continue
    _ae_base=${_ae_file##*/}
    _ae_name=${_ae_base%.*}
    _ae_action=${_ae_base##*.}
    if [ "$_ae_name" = "$_ae_base" ]; then
      _ae_action=override
    fi
    case $_ae_action in
      override | default | append | prepend) ;;
      delim) continue ;;
      *) _ae_name=$_ae_base _ae_action=override ;;
    esac
    if ! valid_name "$_ae_name"; then
      printf 'WARNING: launcher: ignoring env file %s (not a variable name)\n' "$_ae_file" >&2
      continue
    fi
    read_value "$_ae_file"
    _ae_value=$value
    _ae_delim=
    if [ -f "$1/$_ae_name.delim" ]; then
      read_value "$1/$_ae_name.delim"
      _ae_delim=$value
    fi
    eval "_ae_set=\${$_ae_name+set} _ae_old=\${$_ae_name-}"
    case $_ae_action in
      override) export "$_ae_name=$_ae_value" ;;
      default) [ -n "$_ae_set" ] || export "$_ae_name=$_ae_value" ;;
      append)
        if [ -n "$_ae_set" ]; then
          export "$_ae_name=$_ae_old$_ae_delim$_ae_value"
        else
          export "$_ae_name=$_ae_value"
        fi
        ;;
      prepend)
        if [ -n "$_ae_set" ]; then
          export "$_ae_name=$_ae_value$_ae_delim$_ae_old"
        else
          export "$_ae_name=$_ae_value"
        fi
        ;;
    esac
  done
}

# is_launch_layer TOML: true when the layer's toml says launch = true (in [types], or at the top
# level as Buildpack API < 0.6 wrote it). An exported image holds only launch layers and not their
# tomls, so a layer dir without a toml counts as a launch layer.
is_launch_layer() {
  [ -f "$1" ] || return 0
  _il_section=
  while IFS= read -r _il_line || [ -n "$_il_line" ]; do
    _il_line=${_il_line%%#*}
    # drop every blank so 'launch = true' and 'launch=true' compare alike
    _il_compact=
    while [ -n "$_il_line" ]; do
      _il_char=${_il_line%"${_il_line#?}"}
      _il_line=${_il_line#?}
      case $_il_char in
        ' ' | '	') ;;
        *) _il_compact=$_il_compact$_il_char ;;
      esac
    done
    case $_il_compact in
      '[types]') _il_section=types ;;
      '['*) _il_section=other ;;
      launch=true) [ "$_il_section" != other ] && return 0 ;;
    esac
  done <"$1"
  return 1
}

# buildpack_dirs: the buildpack layer dirs in group order, one a line.
buildpack_dirs() {
  if [ -f "$config_dir/buildpacks" ]; then
    while IFS= read -r _bd_line || [ -n "$_bd_line" ]; do
      [ -n "$_bd_line" ] && printf '%s\n' "$layers_dir/$_bd_line"
    done <"$config_dir/buildpacks"
  else
    for _bd_dir in "$layers_dir"/*; do
      case ${_bd_dir##*/} in config | sbom) continue ;; esac
      [ -d "$_bd_dir" ] && printf '%s\n' "$_bd_dir"
    done
  fi
}

# launch_layers: every launch layer dir, buildpacks in group order, layers sorted, one a line.
launch_layers() {
  buildpack_dirs | while IFS= read -r _ll_bp; do
    for _ll_layer in "$_ll_bp"/*; do
      [ -d "$_ll_layer" ] && is_launch_layer "$_ll_layer.toml" && printf '%s\n' "$_ll_layer"
    done
  done
}

# source_dir DIR: sources each regular file of DIR, sorted.
source_dir() {
  [ -d "$1" ] || return 0
  for _sd_file in "$1"/*; do
    # shellcheck disable=SC1090
    [ -f "$_sd_file" ] && . "$_sd_file"
  done
}

# exec.d: runs each executable file of $1 (sorted) with file descriptor 3 open for its output,
# which is TOML: NAME = "value" lines (basic strings; \" and \\ escapes); exports each variable.
run_exec_d() {
  [ -d "$1" ] || return 0
  for _x in "$1"/*; do
    [ -f "$_x" ] && [ -x "$_x" ] || continue
    _xout=$("$_x" 3>&1 1>&2) || fail "exec.d program $_x failed"
    while IFS= read -r _xline || [ -n "$_xline" ]; do
      case $_xline in
        '' | '#'*) continue ;;
        *=*) ;;
        *) fail "exec.d program $_x wrote an unreadable line: $_xline" ;;
      esac
      _xkey=$(trim "${_xline%%=*}")
      _xval=$(trim "${_xline#*=}")
      case $_xkey in
        '' | *[!A-Za-z0-9_]*) fail "exec.d program $_x wrote an invalid name: $_xkey" ;;
      esac
      case $_xval in
        \"*\") _xval=${_xval#\"}; _xval=${_xval%\"} ;;
        *) fail "exec.d program $_x: only string values are supported ($_xkey)" ;;
      esac
      export "$_xkey=$(unescape "$_xval")"
    done <<EXECD
$_xout
EXECD
  done
}

# prints $1 without leading and trailing blanks
trim() {
  _t=$1
  _t=${_t#"${_t%%[! 	]*}"}
  printf '%s' "${_t%"${_t##*[! 	]}"}"
}

# prints $1 with TOML basic-string escapes \" and \\ resolved
unescape() {
  _in=$1
  _res=
  while [ -n "$_in" ]; do
    case $_in in
      \\?*) _in=${_in#?}; _res=$_res${_in%"${_in#?}"}; _in=${_in#?} ;;
      *) _res=$_res${_in%"${_in#?}"}; _in=${_in#?} ;;
    esac
  done
  printf '%s' "$_res"
}

# --- 1. pick the process -----------------------------------------------------------------------
# Platform API 0.15: a process type whose exec-env list lacks the execution environment (and "*")
# is not eligible, as the reference's launch/process.go isProcessEligibleForExecEnv.
exec_env=${CNB_EXEC_ENV:-production}
eligible() {
  [ -f "$1/exec-env" ] || return 0
  _api=${CNB_PLATFORM_API:-0.0}
  _major=${_api%%.*}
  _minor=${_api#*.}
  case $_major$_minor in *[!0-9]*) return 0 ;; esac
  if [ "$_major" -eq 0 ] && [ "$_minor" -lt 15 ]; then
    return 0
  fi
  while IFS= read -r _env || [ -n "$_env" ]; do
    [ "$_env" = "*" ] || [ "$_env" = "$exec_env" ] && return 0
  done < "$1/exec-env"
  return 1
}
# Started as /cnb/process/<type>, the link's name wins over an inherited CNB_PROCESS_TYPE (this
# launcher exports it, so a process starting another one through its link would see its own).
case $0 in
  */cnb/process/*) process=${0##*/} ;;
  *) process=${CNB_PROCESS_TYPE:-} ;;
esac
if [ -z "$process" ] && [ $# -gt 0 ] && [ -d "$config_dir/processes/$1" ] && eligible "$config_dir/processes/$1"; then
  process=$1
  shift
elif [ -z "$process" ] && [ $# -eq 0 ] && [ -f "$config_dir/default-process" ]; then
  read_value "$config_dir/default-process"
  process=$value
fi
case $process in
  */* | . | ..) fail "invalid process type '$process'" ;;
esac
process_dir=$config_dir/processes/$process
if [ -n "$process" ] && [ ! -d "$process_dir" ]; then
  fail "no process type '$process' in $config_dir/processes"
fi
if [ -n "$process" ] && ! eligible "$process_dir"; then
  fail "process type '$process' is not for the execution environment '$exec_env' (its exec-env)"
fi
if [ -z "$process" ] && [ $# -eq 0 ]; then
  fail "no default process type; set CNB_PROCESS_TYPE or pass a command"
fi

# Runs "$1 <layer>" for every launch layer, in this shell (so its exports stay) and without
# splitting or globbing the layer paths, which are listed one a line.
each_layer() {
  _el_ifs=$IFS
  IFS='
'
  set -f
  for _el_layer in $layer_list; do
    IFS=$_el_ifs
    set +f
    "$1" "$_el_layer"
    set -f
    IFS='
'
  done
  set +f
  IFS=$_el_ifs
}

layer_env() {
  [ -d "$1/bin" ] && prepend_path PATH "$1/bin"
  [ -d "$1/lib" ] && prepend_path LD_LIBRARY_PATH "$1/lib"
  apply_env_dir "$1/env"
  apply_env_dir "$1/env.launch"
  [ -n "$process" ] && apply_env_dir "$1/env.launch/$process"
  return 0
}

layer_exec_d() {
  run_exec_d "$1/exec.d"
  [ -n "$process" ] && run_exec_d "$1/exec.d/$process"
  return 0
}

layer_profile() {
  source_dir "$1/profile.d"
  [ -n "$process" ] && source_dir "$1/profile.d/$process"
  return 0
}

layer_list=$(launch_layers)
# --- 2. launch env of every launch layer ---------------------------------------------------------
each_layer layer_env
# --- 3. exec.d programs (buildpack.md "exec.d") ---------------------------------------------------
each_layer layer_exec_d
# --- 3b. profile scripts, for what runs through a shell ---------------------------------------------
source_profiles() {
  each_layer layer_profile
  # shellcheck disable=SC1091
  [ -f "$app_dir/.profile" ] && . "$app_dir/.profile"
  return 0
}

# --- 4. working dir and exec -----------------------------------------------------------------------
if [ -z "$process" ]; then
  source_profiles
  cd "$app_dir" 2>/dev/null || fail "cannot cd to $app_dir"
  exec "$@"
fi

working_dir=$app_dir
if [ -f "$process_dir/working-dir" ]; then
  read_value "$process_dir/working-dir"
  [ -n "$value" ] && working_dir=$value
fi
cd "$working_dir" 2>/dev/null || fail "cannot cd to $working_dir for process '$process'"

# The process's argv, as the reference launcher builds it for Platform API 0.10+ (launch/process.go
# handleUserArgs): a command of several elements keeps its extra elements as fixed args, then the
# user's args or else the process args; a one-element command takes the process args, to which a
# Buildpack API < 0.9 process appends the user's args and which a 0.9+ process's user args replace.
# The words are gathered single-quoted, then set as "$@".
quoted=
quote() {
  _q_in=$1
  _q_out=
  while :; do
    case $_q_in in
      *\'*) _q_out="$_q_out${_q_in%%\'*}'\\''"; _q_in=${_q_in#*\'} ;;
      *) _q_out="$_q_out$_q_in"; break ;;
    esac
  done
  quoted="'$_q_out'"
}
user_q=
for _arg in "$@"; do
  quote "$_arg"
  user_q="$user_q $quoted"
done
command=
command_joined=
fixed_q=
_n=0
if [ -f "$process_dir/command" ]; then
  while IFS= read -r _arg || [ -n "$_arg" ]; do
    if [ "$_n" -eq 0 ]; then
      command=$_arg
    else
      quote "$_arg"
      fixed_q="$fixed_q $quoted"
    fi
    command_joined="$command_joined${command_joined:+ }$_arg"
    _n=$((_n + 1))
  done <"$process_dir/command"
fi
[ "$_n" -gt 0 ] && [ -n "$command" ] || fail "process '$process' has no command"
args_q=
if [ -f "$process_dir/args" ]; then
  while IFS= read -r _arg || [ -n "$_arg" ]; do
    quote "$_arg"
    args_q="$args_q $quoted"
  done <"$process_dir/args"
fi
bp_api=
if [ -f "$process_dir/buildpack-api" ]; then
  read_value "$process_dir/buildpack-api"
  bp_api=$value
fi
# legacy_api: true for a Buildpack API below 0.9 (0.x with x < 9)
legacy_api=false
case $bp_api in
  0.[0-8]) legacy_api=true ;;
esac
if [ "$_n" -gt 1 ]; then
  if [ $# -gt 0 ]; then argv_q="$fixed_q$user_q"; else argv_q="$fixed_q$args_q"; fi
elif [ $# -eq 0 ]; then
  argv_q=$args_q
elif [ "$legacy_api" = true ]; then
  argv_q="$args_q$user_q"
else
  argv_q=$user_q
fi
eval "set -- $argv_q"

direct=false
if [ -f "$process_dir/direct" ]; then
  read_value "$process_dir/direct"
  direct=$value
fi
export CNB_PROCESS_TYPE="$process"
if [ "$direct" = true ]; then
  exec "$command" "$@"
fi
source_profiles
# Not direct (Buildpack API < 0.9 processes), as the reference's launch/bash.go: bash when the run
# image has it, else /bin/sh. Without args the command is a script; with args, the command and each
# arg are one word each after the shell's expansion of it ("$(eval echo \"$0\")" ...).
shell=/bin/sh
[ -x /bin/bash ] && shell=/bin/bash
if [ $# -eq 0 ]; then
  exec "$shell" -c "$command_joined"
fi
script='"$(eval echo \"$0\")"'
_i=1
while [ "$_i" -le $# ]; do
  script="$script "'"$(eval echo \"${'"$_i"'}\")"'
  _i=$((_i + 1))
done
exec "$shell" -c "$script" "$command_joined" "$@"
