"""Where offices are: straight-line distances, the nearest offices, map links and the coordinate data.

    distance.py  great-circle distance, 「約1.2km」 labels, coordinates quantised for the browser
    nearby.py    the k nearest offices of every office, through a spatial grid (not all pairs)
    maps.py      「地図で見る」 links to 地理院地図, Google マップ and OpenStreetMap
"""
