_safesm_completion() {
    local IFS=$'\n'
    local response

    response=$(env COMP_LINE="$COMP_LINE" COMP_POINT="$COMP_POINT" COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD _SAFESM_COMPLETE=bash_complete $1)

    while IFS= read -r completion; do
        [[ -z $completion ]] && continue
        IFS=',' read -r type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            [[ $value == */ ]] && compopt -o nospace
            printf -v value '%q' "$value"
            COMPREPLY+=("$value")
        fi
    done <<< "$response"

    return 0
}

_safesm_completion_setup() {
    complete -o nosort -F _safesm_completion safesm
}

_safesm_completion_setup;
