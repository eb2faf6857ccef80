_safesm_completion() {
    local IFS=$'\n'
    local response

    response=$(env COMP_LINE="$COMP_LINE" COMP_POINT="$COMP_POINT" COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD _SAFESM_COMPLETE=bash_complete $1)

    for completion in $response; do
        IFS=',' read type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            COMPREPLY+=($value)
            [[ $value == */ ]] && compopt -o nospace
        fi
    done

    return 0
}

_safesm_completion_setup() {
    complete -o nosort -F _safesm_completion safesm
}

_safesm_completion_setup;
